// Real stores for the end-to-end backend tests: the pass plugin linked into a throwaway
// XDG data dir, a GPG key and pass store, a gnome-keyring-daemon on a private session bus,
// and files written by an independent JOSE implementation as aws-vault writes them.
import {spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdirSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import nodeJose from 'node-jose'

import {GnomeKeyringControl} from '../../plugins/backend-keyring/test/session/gnome-keyring.ts'
import {BARE_BUS_CONFIG, waitForBusName} from '../../plugins/backend-keyring/test/support/session.ts'
import {generateKey, gpgHome, passCli, passEnv, type GpgHome} from '../../plugins/backend-pass/test/support.ts'
import {repoRoot, type Sandbox} from '../helpers/cli.ts'

export const passPluginDir = join(repoRoot, 'plugins', 'backend-pass')

/** XDG dirs inside the sandbox, so installing or linking a plugin never touches the user's. */
export function xdgEnv(sandbox: Sandbox): {XDG_CACHE_HOME: string; XDG_CONFIG_HOME: string; XDG_DATA_HOME: string} {
  return {
    XDG_CACHE_HOME: join(sandbox.home, '.cache'),
    XDG_CONFIG_HOME: join(sandbox.home, '.config'),
    XDG_DATA_HOME: join(sandbox.home, '.local', 'share'),
  }
}

export const keyctlPluginDir = join(repoRoot, 'plugins', 'backend-keyctl')

/** Links an installable plugin into the sandbox user's plugins, as `vault plugins link` does for a user. */
export async function linkPlugin(sandbox: Sandbox, dir: string): Promise<void> {
  const result = await sandbox.run(['plugins', 'link', dir, '--no-install'], {env: xdgEnv(sandbox)})
  if (result.code !== 0) throw new Error(`vault plugins link ${dir} failed: ${result.stderr}`)
}

export function linkPassPlugin(sandbox: Sandbox): Promise<void> {
  return linkPlugin(sandbox, passPluginDir)
}

/**
 * Records the pass plugin as installed under the XDG data home `dataHome`, where `vault plugins
 * install` leaves it (its folder linked there rather than copied from a registry).
 */
export function installPassPlugin(dataHome: string): void {
  const name = '@vault-aws/plugin-backend-pass'
  const dataDir = join(dataHome, 'vault')
  mkdirSync(join(dataDir, 'node_modules', '@vault-aws'), {recursive: true})
  symlinkSync(passPluginDir, join(dataDir, 'node_modules', name))
  const recorded = {private: true, oclif: {schema: 1, plugins: [{name, type: 'user'}]}, dependencies: {[name]: '^0.1.0'}}
  writeFileSync(join(dataDir, 'package.json'), JSON.stringify(recorded))
}

/** A throwaway GPG key and an initialised pass store inside the sandbox. */
export interface PassStore {
  store: string
  gnupg: GpgHome
  id: string
  /** What vault needs to find the store and the key. */
  env: Record<string, string>
  cli(args: string[], input?: string): Promise<{stdout: string; stderr: string}>
}

export interface PassStoreOptions {
  initialise?: boolean
  id?: string
  /** Protects the key; gpg-agent forgets it once the key is made. */
  passphrase?: string
  /** The pinentry gpg-agent starts to ask for that passphrase. */
  pinentry?: string
}

export async function makePassStore(sandbox: Sandbox, options: PassStoreOptions = {}): Promise<PassStore> {
  const id = options.id ?? 'vault-e2e@example.invalid'
  const gnupg = await gpgHome(sandbox.home, '.gnupg-e2e', options.pinentry ? `pinentry-program ${options.pinentry}\n` : '')
  await generateKey(gnupg.path, id, options.passphrase)
  if (options.passphrase) await gnupg.kill()
  const store = join(sandbox.home, '.password-store')
  const cliEnv = passEnv(sandbox.home, gnupg.path, {PASSWORD_STORE_DIR: store})
  if (options.initialise ?? true) await passCli(cliEnv, ['init', id])
  return {
    store,
    gnupg,
    id,
    env: {GNUPGHOME: gnupg.path, AWS_VAULT_PASS_PASSWORD_STORE_DIR: store},
    cli: (args, input) => passCli(cliEnv, args, input),
  }
}

/** aws-vault's keyring item JSON (Go's encoding of keyring.Item) around `data`. */
export function awsVaultItemJson(key: string, data: string, label = ''): string {
  return JSON.stringify({
    Key: key,
    Data: Buffer.from(data, 'utf8').toString('base64'),
    Label: label,
    Description: '',
    KeychainNotTrustApplication: false,
    KeychainNotSynchronizable: false,
  })
}

/** The credentials JSON aws-vault v7 stores for `aws-vault add` (Go's aws.Credentials). */
export function awsVaultCredentialsJson(accessKeyId: string, secretAccessKey: string): string {
  return JSON.stringify({
    AccessKeyID: accessKeyId,
    SecretAccessKey: secretAccessKey,
    SessionToken: '',
    Source: '',
    CanExpire: false,
    Expires: '0001-01-01T00:00:00Z',
  })
}

/** Writes one item file as aws-vault's file backend does, with node-jose rather than our code. */
export async function writeAwsVaultFile(dir: string, key: string, data: string, passphrase: string): Promise<void> {
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const jwk = await nodeJose.JWK.asKey({kty: 'oct', k: Buffer.from(passphrase, 'utf8').toString('base64url')})
  // The header aws-vault's JOSE library writes, `created` in Go's time format included.
  const fields = {
    alg: 'PBES2-HS256+A128KW',
    created: '2024-03-05 10:11:12.123456789 +0100 CET m=+0.004512345',
    enc: 'A256GCM',
    p2c: 8192,
    p2s: randomBytes(12).toString('base64url'),
  }
  const token = await nodeJose.JWE.createEncrypt({format: 'compact', contentAlg: 'A256GCM', fields}, jwk)
    .update(Buffer.from(awsVaultItemJson(key, data, `aws-vault (${key})`), 'utf8'))
    .final()
  const name = key.replace(/[%/]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
  writeFileSync(join(dir, name), String(token), {mode: 0o600})
}

const SECRETS = 'org.freedesktop.secrets'
const PROMPT_CALLS = "type='method_call',interface='org.freedesktop.Secret.Prompt',member='Prompt'"
const MARKER_PATH = '/vault/test/marker'
const MARKER_CALLS = `type='method_call',path='${MARKER_PATH}'`

/**
 * A private session bus with an unlocked gnome-keyring-daemon in a throwaway HOME, started by
 * the test itself; `stop` ends the bus, and the daemon with it.
 */
export class SecretServiceSession {
  readonly env: Record<string, string>
  readonly #child: ChildProcessWithoutNullStreams
  readonly #control: GnomeKeyringControl

  private constructor(child: ChildProcessWithoutNullStreams, env: Record<string, string>) {
    this.#child = child
    this.env = env
    this.#control = new GnomeKeyringControl(env.DBUS_SESSION_BUS_ADDRESS!)
  }

  static async start(root: string): Promise<SecretServiceSession> {
    const missing = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool'].filter(
      (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0,
    )
    if (missing.length > 0)
      throw new Error(`missing ${missing.join(', ')}: apt-get install -y --no-install-recommends dbus gnome-keyring libsecret-tools`)
    const home = join(root, 'keyring-home')
    const runtime = join(root, 'keyring-runtime')
    mkdirSync(home, {mode: 0o700, recursive: true})
    mkdirSync(runtime, {mode: 0o700, recursive: true})
    // The shell reports the bus address once the daemon is up, then holds the session open
    // until its stdin closes.
    // The bus activates nothing: gnome-keyring can reach no system prompter (a call that would need
    // one fails at once instead of hanging) and no second daemon is started by an early call.
    const busConfig = join(root, 'keyring-bus.conf')
    writeFileSync(busConfig, BARE_BUS_CONFIG)
    const script = `printf '%s' "$PW" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null || exit 97
${waitForBusName(SECRETS)}
echo "BUS=$DBUS_SESSION_BUS_ADDRESS"
exec cat >/dev/null`
    const child = spawn('dbus-run-session', [`--config-file=${busConfig}`, '--', 'sh', '-c', script], {
      env: {PATH: process.env.PATH, HOME: home, XDG_RUNTIME_DIR: runtime, LANG: 'C.UTF-8', PW: 'e2e login password'},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const address = await new Promise<string>((resolve, reject) => {
      let out = ''
      let err = ''
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /^BUS=(.+)$/m.exec(out)
        if (match?.[1]) resolve(match[1])
      })
      child.on('exit', (code) => reject(new Error(`dbus-run-session exited (${code}) before the keyring was up: ${err}`)))
    })
    return new SecretServiceSession(child, {DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: runtime})
  }

  /** Creates an unlocked collection labelled `name`; gnome-keyring derives its object path from the label. */
  createCollection(name: string): Promise<string> {
    return this.#control.createCollection(name)
  }

  lock(path: string): Promise<void> {
    return this.#control.lock(path)
  }

  /**
   * Starts counting calls to the Secret Service's Prompt method (each shows, or tries to show, a prompt);
   * the function returned stops counting and gives the count. A marker call closes the count: the bus hands
   * the monitor the calls in the order it dispatches them, so every prompt asked for before is in by then.
   */
  async countPrompts(): Promise<() => Promise<number>> {
    const env = {PATH: process.env.PATH, ...this.env}
    const monitor = spawn('dbus-monitor', ['--session', PROMPT_CALLS, MARKER_CALLS], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    const seen = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!out.includes(text)) return
          monitor.stdout.off('data', check)
          resolve()
        }
        monitor.stdout.on('data', check)
        monitor.once('exit', (code) => reject(new Error(`dbus-monitor exited (${code}) before printing ${text}`)))
        check()
      })
    monitor.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    // A monitor is told it lost its name once the bus has made it one.
    await seen('member=NameLost')
    return async () => {
      spawnSync('dbus-send', ['--session', '--type=method_call', '--dest=org.freedesktop.DBus', MARKER_PATH, 'org.vault.Test.Marker'], {
        env,
      })
      await seen(`path=${MARKER_PATH}`)
      monitor.kill()
      return out.split('\n').filter((line) => line.startsWith('method call') && line.includes('member=Prompt')).length
    }
  }

  /** secret-tool on this session's bus; the secret goes on stdin. */
  secretTool(args: string[], input?: string): string {
    const result = spawnSync('secret-tool', args, {input, encoding: 'utf8', env: {PATH: process.env.PATH, ...this.env}})
    if (result.status !== 0) throw new Error(`secret-tool ${args[0]} failed: ${result.stderr}`)
    return result.stdout + result.stderr
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return
    const exited = new Promise((resolve) => this.#child.on('exit', resolve))
    this.#child.stdin.end()
    await exited
  }
}

/** `env` output as a map. */
export function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  )
}

/**
 * The round trip every backend must carry through the built CLI: `add --env`, `list`, and
 * `exec --no-session -- env` handing the stored keys to the child.
 */
export async function addListExec(
  sandbox: Sandbox,
  env: Record<string, string | undefined>,
  profile = 'work',
): Promise<{accessKeyId: string; secretAccessKey: string; child: Record<string, string>; listed: string}> {
  const accessKeyId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`
  const secretAccessKey = randomBytes(30).toString('base64')
  const added = await sandbox.run(['add', profile, '--env'], {
    env: {...env, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey},
  })
  if (added.code !== 0) throw new Error(`vault add failed (${added.code}): ${added.stderr}`)
  const listed = await sandbox.run(['list', '--credentials'], {env})
  if (listed.code !== 0) throw new Error(`vault list failed (${listed.code}): ${listed.stderr}`)
  const exec = await sandbox.run(['exec', profile, '--no-session', '--', 'env'], {env})
  if (exec.code !== 0) throw new Error(`vault exec failed (${exec.code}): ${exec.stderr}`)
  return {accessKeyId, secretAccessKey, child: parseEnv(exec.stdout), listed: listed.stdout}
}
