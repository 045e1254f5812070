import {execFile, spawn} from 'node:child_process'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import type {BackendContext, Keyring} from '@vault-aws/cli/plugin-api'

import {backendContext, type Recorded} from '@vault-aws/cli/plugin-testkit'
import backends from '../src/hooks/backends.ts'

const run = promisify(execFile)

export const encoder = new TextEncoder()
export const decoder = new TextDecoder()

/** The real pass is what these tests are about: its absence fails them, it never skips them. */
export async function requirePass(): Promise<string> {
  const {findExecutable} = backendContext({env: {PATH: process.env.PATH}})
  const pass = findExecutable('pass')
  const gpg = findExecutable('gpg')
  if (pass === undefined || gpg === undefined) {
    throw new Error(
      'the pass backend tests need the real `pass` and `gpg`: apt-get install -y --no-install-recommends pass (Debian package "pass")',
    )
  }
  return pass
}

export async function tempDir(name: string): Promise<{path: string; remove(): Promise<void>}> {
  const path = await mkdtemp(join(tmpdir(), `vault-pass-${name}-`))
  return {path, remove: () => rm(path, {recursive: true, force: true})}
}

/** A throwaway GNUPGHOME; its agent is stopped by `kill`. */
export interface GpgHome {
  path: string
  kill(): Promise<void>
}

export async function gpgHome(parent: string, name: string, agentConf = ''): Promise<GpgHome> {
  const path = join(parent, name)
  await mkdir(path, {mode: 0o700})
  // No key servers or WKD lookups: a missing key must fail here, not go to the network.
  await writeFile(join(path, 'gpg.conf'), 'auto-key-locate local\n', {mode: 0o600})
  // The cheapest key protection gpg-agent allows: a throwaway passphrase needs no strength.
  await writeFile(join(path, 'gpg-agent.conf'), `s2k-count 65536\n${agentConf}`, {mode: 0o600})
  return {
    path,
    async kill() {
      await run('gpgconf', ['--kill', 'gpg-agent'], {env: {...process.env, GNUPGHOME: path}}).catch(() => undefined)
    },
  }
}

/** A pinentry program in `dir` that gives `passphrase` and counts how often gpg-agent started it. */
export async function answeringPinentry(
  dir: string,
  name: string,
  passphrase: string,
): Promise<{program: string; launches: () => Promise<number>}> {
  const program = join(dir, `${name}-pinentry`)
  const log = `${program}.launches`
  // Just enough of the Assuan protocol: OK to every command, the passphrase for GETPIN.
  const script = `#!/bin/sh
echo launched >> '${log}'
echo OK
while read -r line; do
  case "$line" in
    GETPIN*) echo 'D ${passphrase}'; echo OK;;
    BYE*) echo OK; exit 0;;
    *) echo OK;;
  esac
done
`
  await writeFile(program, script, {mode: 0o755})
  const launches = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).length
  return {program, launches}
}

/** A new key pair for `id` (ed25519, fast to make), protected by `passphrase` (given on stdin) or by none. */
export async function generateKey(home: string, id: string, passphrase = ''): Promise<void> {
  await feed(
    'gpg',
    ['--batch', '--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--quick-gen-key', id, 'future-default', 'default', 'never'],
    {
      env: {...process.env, GNUPGHOME: home},
      input: `${passphrase}\n`,
    },
  )
}

/** Copies only the public half of `id` from one GNUPGHOME to another. */
export async function copyPublicKey(from: string, to: string, id: string): Promise<void> {
  const {stdout} = await run('gpg', ['--batch', '--armor', '--export', id], {env: {...process.env, GNUPGHOME: from}})
  await feed('gpg', ['--batch', '--import'], {env: {...process.env, GNUPGHOME: to}, input: stdout})
}

/** Runs a program with `input` on stdin; rejects with its stderr when it fails. */
export function feed(
  command: string,
  args: string[],
  options: {env: NodeJS.ProcessEnv; input?: string | Uint8Array},
): Promise<{stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {env: options.env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve({stdout, stderr}) : reject(new Error(`${command} ${args.join(' ')}: exit ${code}: ${stderr}`)),
    )
    child.stdin.end(options.input ?? '')
  })
}

/** The environment a user of pass would have: only what pass and gpg need. */
export function passEnv(home: string, gnupgHome: string, settings: Record<string, string> = {}): Record<string, string> {
  return {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, GNUPGHOME: gnupgHome, ...settings}
}

/** The `pass` CLI itself, with the same environment the backend gets. */
export function passCli(
  env: Record<string, string>,
  args: string[],
  input?: string | Uint8Array,
): Promise<{stdout: string; stderr: string}> {
  return feed('pass', args, {env, input})
}

export function context(env: Record<string, string | undefined>, homedir = env.HOME ?? '/nonexistent-home'): BackendContext & Recorded {
  // No promptSecret: the pass backend never prompts itself (gpg's agent does).
  return backendContext({env, homedir})
}

export async function passDescriptor() {
  const [descriptor] = await backends()
  if (descriptor === undefined) throw new Error('the hook returned no backend')
  return descriptor
}

export async function openKeyring(env: Record<string, string | undefined>): Promise<Keyring> {
  return (await passDescriptor()).open(context(env))
}

/**
 * A throwaway GPG key and an initialised store, as RECIPES.md describes: everything lives
 * under one temporary directory, and `remove` stops the agent before deleting it.
 */
export interface PassFixture {
  root: string
  home: string
  gnupg: GpgHome
  store: string
  id: string
  env(settings?: Record<string, string>): Record<string, string>
  remove(): Promise<void>
}

export async function passFixture(name: string, id = 'vault-test@example.invalid'): Promise<PassFixture> {
  await requirePass()
  const root = await tempDir(name)
  const home = join(root.path, 'home')
  await mkdir(home, {mode: 0o700})
  const gnupg = await gpgHome(root.path, 'gnupg')
  const store = join(root.path, 'store')
  await generateKey(gnupg.path, id)
  await passCli(passEnv(home, gnupg.path, {PASSWORD_STORE_DIR: store}), ['init', id])
  return {
    root: root.path,
    home,
    gnupg,
    store,
    id,
    env: (settings = {}) => passEnv(home, gnupg.path, {AWS_VAULT_PASS_PASSWORD_STORE_DIR: store, ...settings}),
    async remove() {
      await gnupg.kill()
      await root.remove()
    },
  }
}
