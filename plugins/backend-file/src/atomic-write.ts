import {randomBytes} from 'node:crypto'
import {open, readdir, rename, stat, unlink} from 'node:fs/promises'
import {join} from 'node:path'

const FILE_MODE = 0o600

// A lone `%` followed by non-hex is a name the key encoding never produces, so a temp file
// can neither collide with an item nor be listed as one.
export const TEMP_PREFIX = '.%tmp-'

/**
 * Replaces `dir/name` with `content` so that a reader (or a crash) sees the old file or the
 * new one, never a mix: temp file in the same directory, fsync, rename, fsync the directory.
 */
export async function writeFileAtomic(dir: string, name: string, content: string): Promise<void> {
  const temp = join(dir, TEMP_PREFIX + randomBytes(8).toString('hex'))
  const handle = await open(temp, 'wx', FILE_MODE)
  try {
    try {
      await handle.chmod(FILE_MODE)
      await handle.writeFile(content)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, join(dir, name))
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await syncDir(dir)
}

/** Makes a rename or unlink in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Removes temp files a killed writer left behind; a young one may still be in use by another process. */
export async function removeStaleTempFiles(dir: string, olderThanMs: number, now = Date.now()): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue
    const path = join(dir, name)
    const info = await stat(path).catch(() => undefined)
    if (info !== undefined && now - info.mtimeMs > olderThanMs) await unlink(path).catch(() => undefined)
  }
}
