// What the answers given before oclif loads print goes straight to file descriptor 1. process.stdout
// is a stream object whose first use loads Node's stream modules, and node:net as well when stdout is a
// pipe (as it is under credential_process): more CPU than the rest of a `vault --version`.
import {createRequire} from 'node:module'

// process.getBuiltinModule (Node >= 22.3; require before it) gives node:fs without what an ESM import of it
// does on top: read every export, which loads fs.promises and the stream modules behind fs.ReadStream.
const {writeSync} = (process.getBuiltinModule?.('node:fs') ?? createRequire(import.meta.url)('node:fs')) as typeof import('node:fs')

/**
 * A reader that has all it wants closes the pipe (`vault list --profiles | head -1`): a normal end of
 * the command, not an error, and no write still waiting on the pipe may keep vault from ending.
 */
export function endQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(process.exitCode ?? 0)
  })
}

/**
 * Writes all of `text` to stdout. A closed pipe ends the write as endQuietlyOnClosedPipe does; a
 * descriptor that would block (a non-blocking pipe that is full) is left to process.stdout, which
 * waits for it. Any other failure before the first byte is thrown, for the caller to leave to oclif.
 */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(text, 'utf8')
  let written = 0
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EPIPE') return
    if (code !== 'EAGAIN' && written === 0) throw error
    endQuietlyOnClosedPipe()
    process.stdout.write(bytes.subarray(written))
  }
}
