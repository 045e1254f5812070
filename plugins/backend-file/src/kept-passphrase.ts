import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'

import {keyringError} from './errors.ts'

const NOT_KEPT = 10

/**
 * What `vault unlock` keeps: the store's passphrase as a key in the Linux kernel's user
 * keyring, with a kernel timeout. It lives in kernel memory only (never on disk, never in
 * swap-able process memory longer than a run), the kernel forgets it when the timeout passes,
 * and another uid can neither search this user's keyring nor read the key.
 *
 * The key is made in a fresh anonymous session keyring, given its timeout and its permissions
 * (possessor only: no view, read or search for anyone who merely shares the uid without
 * possessing it through a keyring), and only then linked into the user keyring: a run killed
 * part-way leaves nothing, because the session keyring dies with its last process.
 * The passphrase travels on stdin and stdout only; the description carries the store's digest
 * and the time it expires, so `vault backends` can say until when without reading the secret.
 */
const SCRIPT = `
op=$1 prefix=$2 desc=\${3-} seconds=\${4-}
user=$("$KEYCTL" id @u) && "$KEYCTL" link "$user" @s >/dev/null || exit 20
matching() {
  for id in $("$KEYCTL" rlist "$user"); do
    d=$("$KEYCTL" rdescribe "$id" 2>/dev/null) || continue
    case $d in "user;"*";$prefix"*) printf '%s %s\\n' "$id" "\${d##*;}" ;; esac
  done
}
case $op in
  list) matching ;;
  read)
    # One run on the credential_process path: the live entry that lasts longest, its expiry, its payload.
    now=$(date +%s)
    matching | {
      best= top=0
      while read -r id d; do
        expiry=\${d##*:}
        case $expiry in ''|*[!0-9]*) continue ;; esac
        if [ "$expiry" -gt "$now" ] && [ "$expiry" -gt "$top" ]; then top=$expiry best=$id; fi
      done
      [ -n "$best" ] || exit ${NOT_KEPT}
      printf '%s\n' "$top"
      exec "$KEYCTL" pipe "$best"
    } ;;
  keep)
    id=$("$KEYCTL" padd user "$desc" @s) || exit 1
    "$KEYCTL" setperm "$id" 0x3f000000 && "$KEYCTL" timeout "$id" "$seconds" || exit 1
    old=$(matching)
    "$KEYCTL" link "$id" "$user" || exit 1
    "$KEYCTL" unlink "$id" @s >/dev/null
    printf '%s\\n' "$old" | while read -r other _; do
      [ -n "$other" ] && [ "$other" != "$id" ] && "$KEYCTL" invalidate "$other" 2>/dev/null
    done
    exit 0 ;;
  forget)
    matching | while read -r id _; do "$KEYCTL" invalidate "$id" 2>/dev/null || "$KEYCTL" unlink "$id" "$user" >/dev/null; done ;;
esac
`

const DESCRIPTION_PREFIX = 'vault-file-unlock:'

export interface KeptEntry {
  id: string
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
  readonly #prefix: string

  constructor(dir: string, options: KeeperOptions) {
    this.#options = options
    // The digest names the store without putting its path into a listing others could guess from.
    this.#prefix = `${DESCRIPTION_PREFIX}${createHash('sha256').update(dir).digest('hex').slice(0, 32)}:`
  }

  get usable(): boolean {
    return this.#options.executable !== undefined
  }

  /** The live entry with the latest expiry, or undefined when the store is locked. */
  async entry(): Promise<KeptEntry | undefined> {
    if (!this.usable) return undefined
    const run = await this.#run('list', '')
    if (run.code !== 0) return undefined
    let best: KeptEntry | undefined
    for (const line of run.stdout.toString('utf8').split('\n')) {
      const [id, description] = line.split(' ')
      if (!id || !description?.startsWith(this.#prefix)) continue
      const seconds = Number(description.slice(this.#prefix.length))
      if (!Number.isSafeInteger(seconds)) continue
      const until = new Date(seconds * 1000)
      // The kernel expires the key itself; this only keeps a key about to expire from being used.
      if (until.getTime() <= Date.now()) continue
      if (best === undefined || until > best.until) best = {id, until}
    }
    return best
  }

  /** The kept passphrase, or undefined when there is none (locked, expired, or no keyctl). */
  async read(): Promise<string | undefined> {
    if (!this.usable) return undefined
    const run = await this.#run('read', '')
    if (run.code !== 0) return undefined
    const newline = run.stdout.indexOf(0x0a)
    const until = Number(run.stdout.subarray(0, newline).toString('utf8'))
    if (newline < 0 || !Number.isSafeInteger(until) || until * 1000 <= Date.now()) return undefined
    return run.stdout.subarray(newline + 1).toString('utf8')
  }

  /** Keeps `passphrase` for `seconds`, replacing what was kept before. */
  async keep(passphrase: string, seconds: number): Promise<Date> {
    if (!this.usable) throw noKeyctl()
    const until = new Date((Math.floor(Date.now() / 1000) + seconds) * 1000)
    const run = await this.#run('keep', `${this.#prefix}${until.getTime() / 1000}`, String(seconds), passphrase)
    if (run.code !== 0) {
      const said = run.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit ${run.code}`
      throw keyringError('BACKEND_UNAVAILABLE', `the kernel keyring refused to keep the passphrase (${said})`)
    }
    return until
  }

  /** Forgets every kept passphrase of this store. */
  async forget(): Promise<void> {
    if (!this.usable) return
    await this.#run('forget', '')
  }

  #run(operation: 'list' | 'read' | 'keep' | 'forget', description: string, seconds = '', input?: string): Promise<Run> {
    return runScript(this.#options, [operation, this.#prefix, description, seconds], input)
  }
}

interface Run {
  code: number | null
  stdout: Buffer
  stderr: string
}

const STDERR_LIMIT = 16 * 1024

function runScript(options: KeeperOptions, args: string[], input: string | undefined): Promise<Run> {
  const executable = options.executable as string
  return new Promise((resolve, reject) => {
    const child = spawn(executable, ['session', '-', 'sh', '-c', SCRIPT, 'sh', ...args], {
      // Nothing of vault's environment (the passphrase variable included) reaches the script.
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
