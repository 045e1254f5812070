import {spawn} from 'node:child_process'

import {keyringError} from './errors.ts'
import type {Scope} from './settings.ts'

export type Operation = 'probe' | 'read' | 'write' | 'mkring' | 'unlink' | 'list'

export interface Run {
  code: number | null
  stdout: Buffer
  stderr: string
}

// Exit statuses the script uses for what is not a keyctl failure.
export const NOT_FOUND = 10
export const NO_RING = 11
export const NO_SCOPE = 20

/**
 * Every operation runs in a fresh anonymous session keyring (`keyctl session -`) into which
 * the scope's keyring is linked first: the process then possesses the named keyring and its
 * keys whatever session it was started in (ssh, sudo, systemd, a container), so keys created
 * with the kernel's default permissions (possessor: all, owner: view) stay readable. That is
 * what aws-vault's keyctl backend lacks, besides the scope it never sets.
 * Item keys travel as arguments (they name items, like pass entry names); payloads only on
 * stdin and stdout.
 */
const SCRIPT = `
op=$1 scope=$2 ring_name=$3 name=\${4-}
case $scope in
  user) parent=$("$KEYCTL" id @u) && "$KEYCTL" link "$parent" @s >/dev/null || exit ${NO_SCOPE} ;;
  persistent) parent=$("$KEYCTL" get_persistent @s) || exit ${NO_SCOPE} ;;
  *) exit ${NO_SCOPE} ;;
esac
ring=$("$KEYCTL" search "$parent" keyring "$ring_name" 2>/dev/null) || ring=
case $op in
  probe) exit 0 ;;
  mkring) [ -n "$ring" ] || "$KEYCTL" newring "$ring_name" "$parent" >/dev/null ;;
  list)
    [ -n "$ring" ] || exit 0
    for id in $("$KEYCTL" rlist "$ring"); do
      "$KEYCTL" rdescribe "$id" 2>/dev/null && printf '\\0'
    done ;;
  write)
    [ -n "$ring" ] || exit ${NO_RING}
    exec "$KEYCTL" padd user "$name" "$ring" >/dev/null ;;
  read|unlink)
    [ -n "$ring" ] || exit ${NOT_FOUND}
    id=$("$KEYCTL" search "$ring" user "$name" 2>/dev/null) || exit ${NOT_FOUND}
    if [ "$op" = read ]; then exec "$KEYCTL" pipe "$id"; fi
    exec "$KEYCTL" unlink "$id" "$ring" >/dev/null ;;
esac
`

const STDERR_LIMIT = 16 * 1024

export interface RunOptions {
  executable: string
  scope: Scope
  ring: string
  path: string | undefined
  /** Written to stdin (the payload of `write`). */
  input?: Uint8Array
}

export function runKeyctl(operation: Operation, name: string, options: RunOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.executable, ['session', '-', 'sh', '-c', SCRIPT, 'sh', operation, options.scope, options.ring, name], {
      // Only what the script needs: nothing of vault's environment (secrets included) reaches it.
      env: {PATH: options.path ?? '/usr/bin:/bin', KEYCTL: options.executable, LC_ALL: 'C'},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const stdout: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_LIMIT)
    })
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(keyringError('BACKEND_UNAVAILABLE', `cannot run ${options.executable}: ${error.code ?? error.message}`))
    })
    child.on('close', (code) =>
      resolve({code, stdout: Buffer.concat(stdout), stderr: stderr.replace(/^Joined session keyring: \d+\n?/m, '')}),
    )
    child.stdin.on('error', () => undefined)
    child.stdin.end(
      options.input === undefined ? undefined : Buffer.from(options.input.buffer, options.input.byteOffset, options.input.byteLength),
    )
  })
}
