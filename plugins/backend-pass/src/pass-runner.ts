import {spawn} from 'node:child_process'

import {keyringError} from './errors.ts'

export interface PassRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: Buffer
  stderr: string
}

export interface PassRunOptions {
  env: Record<string, string | undefined>
  /** Written to the child's stdin, which is then closed: how secrets reach pass. */
  input?: string
}

// Enough for any diagnostic; a runaway child cannot grow memory without bound.
const STDERR_LIMIT = 64 * 1024

// Secrets vault may have in its environment that pass and gpg have no use for: gpg can start a
// gpg-agent, which keeps the environment it was started with long after vault has exited.
const WITHHELD = new Set(['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_VAULT_FILE_PASSPHRASE'])

function passEnvironment(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !WITHHELD.has(name)))
}

/**
 * Runs pass without a shell. Arguments carry only entry names; a secret travels on stdin.
 * Without input the child shares our stdin, so pass can tell gpg which terminal a
 * pinentry may use to ask for a passphrase.
 */
export function runPass(executable: string, args: string[], options: PassRunOptions): Promise<PassRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {
      env: passEnvironment(options.env),
      stdio: [options.input === undefined ? 'inherit' : 'pipe', 'pipe', 'pipe'],
    })
    const stdout: Buffer[] = []
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_LIMIT)
    })
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(keyringError('BACKEND_UNAVAILABLE', `cannot run ${executable}: ${error.code ?? error.message}`))
    })
    child.on('close', (code, signal) => resolve({code, signal, stdout: Buffer.concat(stdout), stderr}))
    if (options.input !== undefined && child.stdin !== null) {
      // pass may exit before reading (an uninitialised store): its exit status tells why.
      child.stdin.on('error', () => undefined)
      child.stdin.end(options.input, 'utf8')
    }
  })
}
