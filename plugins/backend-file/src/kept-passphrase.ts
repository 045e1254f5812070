import {createHash} from 'node:crypto'

import {keyringError} from './errors.ts'

/**
 * What `vault unlock` keeps: the store's passphrase as a key in the Linux kernel's user keyring,
 * with a kernel timeout. It lives in kernel memory only (never on disk, never in swap-able process
 * memory longer than a run), the kernel forgets it when the timeout passes, and another uid can
 * neither search this user's keyring nor read the key.
 *
 * Each store has one key, described by a digest of its directory, so a run finds it with one
 * search, however many keys the user keyring holds. Its payload is the unix time it expires, a
 * newline, and the passphrase: `vault backends` says until when from the same read.
 *
 * The key is made in a fresh anonymous session keyring, given its timeout and its permissions
 * (possessor only: no view, read or search for anyone who merely shares the uid without
 * possessing it through a keyring), and only then linked into the user keyring, where it displaces
 * the store's previous key (the kernel keeps one key per type and description in a keyring): a run
 * killed part-way leaves nothing, because the session keyring dies with its last process.
 * The passphrase travels on stdin and stdout only.
 */
const SCRIPT = `
op=$1 desc=$2 seconds=\${3-}
user=$("$KEYCTL" id @u) && "$KEYCTL" link "$user" @s >/dev/null || exit 20
case $op in
  read) exec "$KEYCTL" pipe "%user:$desc" ;;
  keep)
    old=$("$KEYCTL" search "$user" user "$desc" 2>/dev/null)
    id=$("$KEYCTL" padd user "$desc" @s) || exit 1
    "$KEYCTL" setperm "$id" 0x3f000000 && "$KEYCTL" timeout "$id" "$seconds" || exit 1
    "$KEYCTL" link "$id" "$user" || exit 1
    "$KEYCTL" unlink "$id" @s >/dev/null
    if [ -n "$old" ] && [ "$old" != "$id" ]; then "$KEYCTL" invalidate "$old" 2>/dev/null; fi
    exit 0 ;;
  forget)
    id=$("$KEYCTL" search "$user" user "$desc" 2>/dev/null) || exit 0
    "$KEYCTL" invalidate "$id" 2>/dev/null || "$KEYCTL" unlink "$id" "$user" >/dev/null ;;
esac
`

const DESCRIPTION_PREFIX = 'vault-file-unlock:'

/**
 * keyctl's words when a direct lookup finds nothing this process can reach: no such key, or a key
 * in the user keyring that its session keyring does not link (a service with a private session
 * keyring). Only then is the lookup repeated from a session keyring that links the user keyring.
 */
const NOT_REACHED = /Required key not available|Can't find|Permission denied/

export interface KeptEntry {
  until: Date
}

export interface KeeperOptions {
  /** The keyctl executable, found on PATH by the host. */
  executable: string | undefined
  path: string | undefined
}

/** The passphrase of one store directory, kept in the kernel user keyring. */
export class PassphraseKeeper {
  readonly #options: KeeperOptions
  readonly #dir: string
  #description: string | undefined

  constructor(dir: string, options: KeeperOptions) {
    this.#options = options
    this.#dir = dir
  }

  /**
   * The store's one key: a digest names the store without putting its path into a listing others could
   * guess from. Worked out when first needed: listing the store's items needs no crypto.
   */
  get description(): string {
    this.#description ??= `${DESCRIPTION_PREFIX}${createHash('sha256').update(this.#dir).digest('hex').slice(0, 32)}`
    return this.#description
  }

  get usable(): boolean {
    return this.#options.executable !== undefined
  }

  /** Until when the store is unlocked, or undefined when it is locked. */
  async entry(): Promise<KeptEntry | undefined> {
    const kept = await this.#lookup()
    return kept && {until: kept.until}
  }

  /** The kept passphrase, or undefined when there is none (locked, expired, or no keyctl). */
  async read(): Promise<string | undefined> {
    return (await this.#lookup())?.passphrase
  }

  /** Keeps `passphrase` for `seconds`, replacing what was kept before. */
  async keep(passphrase: string, seconds: number): Promise<Date> {
    if (!this.usable) throw noKeyctl()
    const until = new Date((Math.floor(Date.now() / 1000) + seconds) * 1000)
    const run = await this.#script('keep', String(seconds), `${until.getTime() / 1000}\n${passphrase}`)
    if (run.code !== 0) {
      const said = run.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit ${run.code}`
      throw keyringError('BACKEND_UNAVAILABLE', `the kernel keyring refused to keep the passphrase (${said})`)
    }
    return until
  }

  /** Forgets the kept passphrase of this store. */
  async forget(): Promise<void> {
    if (!this.usable) return
    await this.#script('forget')
  }

  /**
   * The store's key, read with one keyctl run when this process's session keyring reaches the user
   * keyring (a login session, a container, a user service); otherwise from a throwaway session
   * keyring that links it.
   */
  async #lookup(): Promise<{until: Date; passphrase: string} | undefined> {
    if (!this.usable) return undefined
    let run = await runKeyctl(this.#options, ['pipe', `%user:${this.description}`], undefined)
    if (run.code !== 0 && NOT_REACHED.test(run.stderr)) run = await this.#script('read')
    if (run.code !== 0) return undefined
    const newline = run.stdout.indexOf(0x0a)
    if (newline < 0) return undefined
    const until = Number(run.stdout.subarray(0, newline).toString('utf8'))
    // The kernel expires the key itself; this only keeps a key about to expire from being used.
    if (!Number.isSafeInteger(until) || until * 1000 <= Date.now()) return undefined
    return {until: new Date(until * 1000), passphrase: run.stdout.subarray(newline + 1).toString('utf8')}
  }

  #script(operation: 'read' | 'keep' | 'forget', seconds = '', input?: string): Promise<Run> {
    return runKeyctl(this.#options, ['session', '-', 'sh', '-c', SCRIPT, 'sh', operation, this.description, seconds], input)
  }
}

interface Run {
  code: number | null
  stdout: Buffer
  stderr: string
}

const STDERR_LIMIT = 16 * 1024

async function runKeyctl(options: KeeperOptions, args: string[], input: string | undefined): Promise<Run> {
  const executable = options.executable as string
  // Loaded when keyctl runs, not with the store: a store opened with its passphrase variable never needs it.
  const {spawn} = await import('node:child_process')
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {
      // Nothing of vault's environment (the passphrase variable included) reaches keyctl or the script.
      env: {PATH: options.path ?? '/usr/bin:/bin', KEYCTL: executable, LC_ALL: 'C'},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const stdout: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_LIMIT)
    })
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(keyringError('BACKEND_UNAVAILABLE', `cannot run ${executable}: ${error.code ?? error.message}`))
    })
    child.on('close', (code) =>
      resolve({code, stdout: Buffer.concat(stdout), stderr: stderr.replace(/^Joined session keyring: \d+\n?/m, '')}),
    )
    child.stdin.on('error', () => undefined)
    child.stdin.end(input)
  })
}

export function noKeyctl(): Error {
  return keyringError(
    'BACKEND_UNAVAILABLE',
    'vault unlock keeps the passphrase in the kernel keyring and needs the keyctl command: install keyutils (Debian package "keyutils")',
  )
}
