/**
 * A cross-process lock per name, so that N processes asking for the same session make one
 * STS call and one MFA prompt: the first does the work, the others wait and then find the
 * cached session.
 *
 * On Linux the lock is an abstract unix socket: only one process can listen on a name, and
 * the kernel frees it the moment that process ends, however it ends, so a crashed holder
 * never leaves a stale lock. Waiters connect to the holder and are woken when it lets go.
 * Elsewhere a lock file (proper-lockfile) is used, whose stale-lock recovery relies on the
 * holder refreshing its mtime.
 */
import {createHash} from 'node:crypto'
import {mkdirSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {join} from 'node:path'

import {VaultError} from '../errors.ts'
import {acquireSocketLock} from './socket-lock.ts'
import {acquireFileLock} from './file-lock.ts'

export type Release = () => Promise<void>

export type LockStrategy = 'socket' | 'file'

export interface LockOptions {
  /** Give up waiting after this long (default ten minutes: an MFA prompt can take a while). */
  timeoutMs?: number
  /** Called once when another process holds the lock, before waiting for it. */
  onWait?: () => void
  strategy?: LockStrategy
  /** Directory of the lock files of the `file` strategy. */
  directory?: string
  /** How long a `file` lock may go unrefreshed before it is taken over (at least 2 s). */
  staleMs?: number
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000

export function defaultLockStrategy(): LockStrategy {
  return process.platform === 'linux' ? 'socket' : 'file'
}

/** A short, fixed-length token for a lock name, scoped to the user. */
export function lockToken(name: string): string {
  const user = typeof process.getuid === 'function' ? process.getuid() : homedir()
  return createHash('sha256').update(`${user}\0${name}`).digest('hex').slice(0, 40)
}

export function defaultLockDirectory(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env.XDG_RUNTIME_DIR || join(env.XDG_CACHE_HOME || join(homedir() || tmpdir(), '.cache'))
  return join(base, 'vault', 'locks')
}

export async function acquireLock(name: string, options: LockOptions = {}): Promise<Release> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const deadline = Date.now() + timeoutMs
  const token = lockToken(name)
  const onWait = once(options.onWait)
  const strategy = options.strategy ?? defaultLockStrategy()
  try {
    if (strategy === 'socket') return await acquireSocketLock(`vault-lock-${token}`, deadline, onWait)
    const directory = options.directory ?? defaultLockDirectory()
    mkdirSync(directory, {mode: 0o700, recursive: true})
    return await acquireFileLock(join(directory, token), deadline, onWait, options.staleMs)
  } catch (error) {
    if ((error as {code?: unknown}).code === 'LOCK_TIMEOUT') {
      throw new VaultError('LOCK_TIMEOUT', `another vault process has been getting "${name}" for ${Math.round(timeoutMs / 1000)}s`, {
        cause: error,
        suggestions: ['finish or stop the other vault process (it may be waiting for an MFA code), then try again'],
      })
    }
    throw error
  }
}

/** Runs `work` while holding the lock `name`; the lock goes when `work` settles. */
export async function withLock<T>(name: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const release = await acquireLock(name, options)
  try {
    return await work()
  } finally {
    await release()
  }
}

function once(callback: (() => void) | undefined): () => void {
  let called = false
  return () => {
    if (called || !callback) return
    called = true
    callback()
  }
}
