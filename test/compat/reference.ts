// The real aws-vault v7.2.0, run next to vault by the side-by-side suite. It is not part of the
// project: the suite finds it through VAULT_COMPAT_AWS_VAULT (a binary, or its .xz as released
// next to the repository), and is skipped, saying so, when it is not there.
import {execFileSync, spawn} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import type {FileKeyring} from '../../plugins/backend-file/src/file-keyring.ts'
import {keyringAt} from '../../plugins/backend-file/test/support.ts'
import {encodeCredentials} from '../../src/lib/keyring/credential-store.ts'
import {repoRoot, runNode, vaultBin, type RunResult} from '../helpers/cli.ts'

export const referenceVariable = 'VAULT_COMPAT_AWS_VAULT'
const defaultReference = join(repoRoot, '..', 'shared', 'reference', 'aws-vault-v7.2.0-linux-amd64.xz')

export interface Reference {
  binary: string
  cleanup(): void
}

/** The reference binary ready to run, or why not. */
export function loadReference(): Reference | string {
  const given = process.env[referenceVariable]
  const path = resolve(given || defaultReference)
  if (!existsSync(path)) return `no reference aws-vault at ${path} (set ${referenceVariable} to aws-vault v7.2.0 or its .xz)`
  if (!path.endsWith('.xz')) return {binary: path, cleanup: () => {}}
  const dir = mkdtempSync(join(tmpdir(), 'vault-compat-ref-'))
  const binary = join(dir, 'aws-vault')
  try {
    writeFileSync(binary, execFileSync('xz', ['-dc', path], {maxBuffer: 256 * 1024 * 1024}))
  } catch (error) {
    rmSync(dir, {force: true, recursive: true})
    return `could not decompress ${path} with xz: ${(error as Error).message.split('\n')[0]}`
  }
  chmodSync(binary, 0o755)
  return {binary, cleanup: () => rmSync(dir, {force: true, recursive: true})}
}

/** One user's world that both binaries see: HOME, an AWS config and a file store with one passphrase. */
export class SharedWorld {
  readonly home: string
  readonly passphrase = 'compat-passphrase'
  readonly reference: Reference
  configFile: string
  keysDir: string

  constructor(reference: Reference, name = 'world') {
    this.reference = reference
    this.home = mkdtempSync(join(tmpdir(), `vault-compat-${name}-`))
    this.configFile = join(this.home, '.aws', 'config')
    this.keysDir = join(this.home, '.awsvault', 'keys')
    mkdirSync(join(this.home, '.aws'), {recursive: true})
  }

  /** A separate config and store inside the same HOME, for one config shape. */
  shape(name: string, config: string): SharedWorld {
    const shape = Object.create(this) as SharedWorld
    const dir = join(this.home, 'shapes', name)
    mkdirSync(dir, {recursive: true})
    shape.configFile = join(dir, 'config')
    shape.keysDir = join(dir, 'keys')
    writeFileSync(shape.configFile, config)
    return shape
  }

  writeConfig(text: string): void {
    writeFileSync(this.configFile, text)
  }

  env(extra: Record<string, string | undefined> = {}): Record<string, string> {
    const env: Record<string, string | undefined> = {
      AWS_CONFIG_FILE: this.configFile,
      AWS_VAULT_BACKEND: 'file',
      AWS_VAULT_FILE_DIR: this.keysDir,
      AWS_VAULT_FILE_PASSPHRASE: this.passphrase,
      // aws-vault would otherwise start a dbus-daemon to look for a Secret Service.
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(this.home, 'no-bus')}`,
      HOME: this.home,
      // Anything that reaches for AWS fails at once instead of waiting on the network.
      HTTPS_PROXY: 'http://127.0.0.1:9',
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      PATH: process.env.PATH,
      SHELL: '/bin/sh',
      ...extra,
    }
    return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
  }

  vault(args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> {
    return runNode([vaultBin, ...args], {cwd: this.home, env: this.env(extra)}, undefined, 240_000)
  }

  awsVault(args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> {
    return new Promise((resolveRun, reject) => {
      const child = spawn(this.reference.binary, args, {cwd: this.home, env: this.env(extra), stdio: ['pipe', 'pipe', 'pipe']})
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`aws-vault ${args.join(' ')} did not finish within 120 s; stderr: ${stderr}`))
      }, 120_000)
      child.on('error', reject)
      child.on('close', (code, signal) => {
        clearTimeout(timer)
        resolveRun({code, signal, stderr, stdout})
      })
      child.stdin.end()
    })
  }

  /** The file store opened in-process (vault's own backend), to seed items both binaries read. */
  store(): FileKeyring {
    return keyringAt(this.keysDir, this.passphrase)
  }

  async storeKeys(profiles: string[]): Promise<void> {
    const store = this.store()
    for (const [index, profile] of profiles.entries()) {
      const id = `AKIACOMPAT${String(index).padStart(10, '0')}`
      await store.set({data: encodeCredentials({accessKeyId: id, secretAccessKey: `secret${id}`.padEnd(40, 'x')}), key: profile})
    }
  }

  cleanup(): void {
    rmSync(this.home, {force: true, recursive: true})
  }
}

/** Runs `task` over `items`, at most `limit` at a time, keeping the order of the answers. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index] as T)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return results
}
