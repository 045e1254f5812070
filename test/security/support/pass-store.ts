// A real pass store with a throwaway GPG key, and the pass backend linked into a World's vault.
import {execFile, execFileSync, spawn} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {repoRoot, vaultBin} from '../../helpers/cli.ts'
import type {World} from './world.ts'

const run = promisify(execFile)

export const PASS_PREFIX = 'aws-vault'

export interface PassStore {
  gnupgHome: string
  store: string
  id: string
  /** What vault (and pass run by hand) need to use this store. */
  env: Record<string, string>
  stopAgent(): Promise<void>
}

/** A GPG key without a passphrase and a store initialised for it, both inside the world's home. */
export async function createPassStore(world: World, id = 'vault-security@example.invalid'): Promise<PassStore> {
  const gnupgHome = join(world.home, 'gnupg')
  const store = join(world.home, 'password-store')
  mkdirSync(gnupgHome, {mode: 0o700})
  // No key servers or WKD: a missing key fails here instead of going to the network.
  writeFileSync(join(gnupgHome, 'gpg.conf'), 'auto-key-locate local\n', {mode: 0o600})
  await feed(
    'gpg',
    ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', id, 'future-default', 'default', 'never'],
    {...process.env, GNUPGHOME: gnupgHome},
  )
  const env = {
    AWS_VAULT_BACKEND: 'pass',
    AWS_VAULT_PASS_PASSWORD_STORE_DIR: store,
    AWS_VAULT_PASS_PREFIX: PASS_PREFIX,
    GNUPGHOME: gnupgHome,
    PASSWORD_STORE_DIR: store,
  }
  await feed('pass', ['init', id], {...world.env(), ...env})
  return {
    env,
    gnupgHome,
    id,
    async stopAgent() {
      await run('gpgconf', ['--kill', 'gpg-agent'], {env: {...process.env, GNUPGHOME: gnupgHome}}).catch(() => undefined)
    },
    store,
  }
}

/** `vault plugins link` of the pass backend, for this world's user only. */
export function linkPassBackend(world: World): void {
  execFileSync(process.execPath, [vaultBin, 'plugins', 'link', '--no-install', join(repoRoot, 'plugins', 'backend-pass')], {
    cwd: world.home,
    env: world.env(),
    stdio: 'pipe',
  })
}

function feed(command: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {env, stdio: ['pipe', 'pipe', 'pipe']})
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output}`)),
    )
    child.stdin.end(input)
  })
}
