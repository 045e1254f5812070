// A throwaway user for the security tests: a Sandbox whose passphrase and keys are registered
// secrets, a private TMPDIR, and one way to run vault that records everything it printed.
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'

import {runNode, Sandbox, vaultBin, type RunResult} from '../../helpers/cli.ts'
import {newPassphrase, newSecretKey, record} from './transcript.ts'

export interface RunOptions {
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
  /** stdout carries credentials by design (exec --json, export, a child's env). */
  credentialsOnStdout?: boolean
  /** Run vault under this umask (octal, e.g. '000'). */
  umask?: string
}

export class World {
  readonly sandbox = new Sandbox()
  readonly passphrase = newPassphrase()
  /** TMPDIR of every vault run: what vault leaves there is looked at too. */
  readonly tmp: string
  /** Variables every run gets, after the sandbox's own. */
  readonly extraEnv: Record<string, string | undefined> = {}

  constructor() {
    this.tmp = join(this.sandbox.home, 'tmp')
    mkdirSync(this.tmp, {mode: 0o700})
  }

  get home(): string {
    return this.sandbox.home
  }

  get keysDir(): string {
    return this.sandbox.keysDir
  }

  get configFile(): string {
    return this.sandbox.configFile
  }

  writeConfig(text: string): void {
    this.sandbox.writeConfig(text)
  }

  env(extra: Record<string, string | undefined> = {}): Record<string, string> {
    return this.sandbox.env({AWS_VAULT_FILE_PASSPHRASE: this.passphrase, TMPDIR: this.tmp, ...this.extraEnv, ...extra})
  }

  async run(args: string[], options: RunOptions = {}): Promise<RunResult> {
    // runNode starts node itself: a umask is set by a shell that then becomes node.
    const argv =
      options.umask === undefined ? [vaultBin, ...args] : ['--input-type=module', '-e', UMASK_LAUNCHER, options.umask, vaultBin, ...args]
    const result = await runNode(argv, {cwd: this.home, env: this.env(options.env)}, options.input, options.timeoutMs ?? 60_000)
    record({
      credentialsOnStdout: options.credentialsOnStdout,
      stderr: result.stderr,
      stdout: result.stdout,
      what: `vault ${args.join(' ')}`,
    })
    return result
  }

  /** A run that must succeed. */
  async ok(args: string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await this.run(args, options)
    if (result.code !== 0) throw new Error(`vault ${args.join(' ')} exited ${result.code ?? result.signal}: ${result.stderr}`)
    return result
  }

  /**
   * vault as its own process group (so a kill takes its helpers too), output recorded when it
   * ends. The caller owns the deadline.
   */
  spawn(args: string[], options: Omit<RunOptions, 'input' | 'timeoutMs'> = {}): {child: ChildProcess; done: Promise<RunResult>} {
    const child = spawn(process.execPath, [vaultBin, ...args], {
      cwd: this.home,
      detached: true,
      env: this.env(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const done = new Promise<RunResult>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (code, signal) => {
        record({credentialsOnStdout: options.credentialsOnStdout, stderr, stdout, what: `vault ${args.join(' ')}`})
        resolve({code, signal, stderr, stdout})
      })
    })
    return {child, done}
  }

  /** Stores a made-up key pair (its secret registered) with `vault add --env`; returns it. */
  async addKey(
    profile: string,
    accessKeyId = fakeAccessKeyId(),
    secretAccessKey = newSecretKey(),
    flags: string[] = ['--no-add-config'],
  ): Promise<{accessKeyId: string; secretAccessKey: string}> {
    await this.ok(['add', profile, '--env', ...flags], {env: {AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey}})
    return {accessKeyId, secretAccessKey}
  }

  cleanup(): void {
    this.sandbox.cleanup()
  }
}

// Sets the umask, then runs the CLI in this very process, so the umask is the CLI's own.
const UMASK_LAUNCHER = `
const [mask, bin, ...rest] = process.argv.slice(1)
process.umask(parseInt(mask, 8))
process.argv = [process.argv[0], bin, ...rest]
await import(bin)
`

export function fakeAccessKeyId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let id = 'AKIA'
  while (id.length < 20) id += alphabet[Math.floor(Math.random() * alphabet.length)]
  return id
}
