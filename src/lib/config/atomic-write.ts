import {randomBytes} from 'node:crypto'
import {open, rename, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

export interface AtomicWriteOptions {
  mode: number
  /** Owner to give the new file (when replacing a file someone else owns and we may chown). */
  owner?: {uid: number; gid: number}
}

/**
 * Replaces `path` with `text` so that readers see the old file or the new one, never a
 * half-written one: a temporary file in the same directory, fsync, rename, fsync of the directory.
 */
export async function writeFileAtomic(path: string, text: string, options: AtomicWriteOptions): Promise<void> {
  const directory = dirname(path)
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temporary, 'wx', options.mode)
  try {
    try {
      await handle.writeFile(text, 'utf8')
      // The umask may have narrowed the mode given to open().
      await handle.chmod(options.mode)
      if (options.owner) await handle.chown(options.owner.uid, options.owner.gid).catch(() => undefined)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
  await syncDirectory(directory)
}

async function syncDirectory(directory: string): Promise<void> {
  // Makes the rename durable; not every platform lets a directory be opened for this.
  try {
    const handle = await open(directory, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // best effort
  }
}
