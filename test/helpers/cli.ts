import {spawn, type SpawnOptions} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {patient} from './patience.ts'

export const repoRoot = join(import.meta.dirname, '..', '..')
export const vaultBin = join(repoRoot, 'bin', 'run.js')

/**
 * For `node --import`: records every module Node loads and prints, on stderr at exit,
 * `oclif-modules=N vault-modules=M` (oclif's modules, and vault's own compiled ones).
 */
export const watchModules = `data:text/javascript,${encodeURIComponent(`
import {registerHooks} from 'node:module'
const loaded = []
registerHooks({load(url, context, next) { loaded.push(url); return next(url, context) }})
const host = ${JSON.stringify(`${pathToFileURL(join(repoRoot, 'dist')).href}/`)}
process.on('exit', () => process.stderr.write('oclif-modules=' + loaded.filter((url) => url.includes('/@oclif/')).length + ' vault-modules=' + loaded.filter((url) => url.startsWith(host)).length))
`)}`

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** A throwaway user: HOME, ~/.aws/config and a file store, with a scrubbed environment. */
export class Sandbox {
  readonly home: string
  readonly configFile: string
  readonly keysDir: string
  readonly passphrase: string = 'sandbox-passphrase'

  constructor() {
    this.home = mkdtempSync(join(tmpdir(), 'vault-e2e-'))
    this.configFile = join(this.home, '.aws', 'config')
    this.keysDir = join(this.home, '.awsvault', 'keys')
  }

  writeConfig(text: string): void {
    mkdirSync(join(this.home, '.aws'), {recursive: true})
    writeFileSync(this.configFile, text)
  }

  /** Only what vault needs: nothing of the machine's AWS setup leaks in. */
  env(extra: Record<string, string | undefined> = {}): Record<string, string> {
    const env: Record<string, string | undefined> = {
      AWS_CONFIG_FILE: this.configFile,
      AWS_VAULT_BACKEND: 'file',
      AWS_VAULT_FILE_DIR: this.keysDir,
      AWS_VAULT_FILE_PASSPHRASE: this.passphrase,
      HOME: this.home,
      LANG: 'C.UTF-8',
      PATH: process.env.PATH,
      SHELL: '/bin/sh',
      ...extra,
    }
    return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
  }

  run(args: string[], options: {env?: Record<string, string | undefined>; input?: string; timeoutMs?: number} = {}): Promise<RunResult> {
    return runNode([vaultBin, ...args], {cwd: this.home, env: this.env(options.env)}, options.input, options.timeoutMs)
  }

  async addKey(profile: string, accessKeyId: string, secretAccessKey: string): Promise<void> {
    const result = await this.run(['add', profile, '--env', '--no-add-config'], {
      env: {AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey},
    })
    if (result.code !== 0) throw new Error(`vault add ${profile} failed: ${result.stderr}`)
  }

  cleanup(): void {
    rmSync(this.home, {force: true, recursive: true})
  }
}

export function runNode(args: string[], options: SpawnOptions, input?: string, timeoutMs = 30_000): Promise<RunResult> {
  return runProgram(process.execPath, args, options, {input, timeoutMs, what: `vault ${args.slice(1).join(' ')}`})
}

/** Runs `program` to its end with `input` on stdin; a run past the (patient) timeout is killed and fails. */
export function runProgram(
  program: string,
  args: string[],
  options: SpawnOptions,
  {input, timeoutMs = 30_000, what = `${program} ${args.join(' ')}`}: {input?: string | undefined; timeoutMs?: number; what?: string} = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {...options, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${what} did not finish within ${patient(timeoutMs)} ms; stderr: ${stderr}`))
    }, patient(timeoutMs))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stderr, stdout})
    })
    // A program that ends without reading its input (vault finding an error first) may be gone before
    // this write on a loaded machine: EPIPE here says nothing about it.
    child.stdin!.on('error', () => {})
    child.stdin!.end(input ?? '')
  })
}

/** Keys of the right shape, made up for each test. */
export function fakeAccessKey(prefix = 'AKIA'): {accessKeyId: string; secretAccessKey: string} {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let id = prefix
  while (id.length < 20) id += alphabet[Math.floor(Math.random() * alphabet.length)]
  let secret = ''
  while (secret.length < 40) secret += Math.random().toString(36).slice(2)
  return {accessKeyId: id, secretAccessKey: secret.slice(0, 40)}
}
