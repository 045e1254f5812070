import {constants, type Stats} from 'node:fs'
import {open} from 'node:fs/promises'

export interface RegularFile {
  text: string
  stats: Stats
}

/**
 * Reads a file only when it is a regular file (a symlink to one is followed). A FIFO, a device
 * or a directory is refused before anything is read from it: opening without blocking means a
 * FIFO with no writer cannot hang the open, and the check on the open handle means what is read
 * is what was checked. Throws ENOTREGULAR (with `kind`) for those; errno errors as they come.
 */
export async function readRegularFile(path: string): Promise<RegularFile> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) {
      throw Object.assign(new Error(`${path} is not a regular file`), {code: 'ENOTREGULAR', kind: fileKind(stats)})
    }
    return {stats, text: await handle.readFile('utf8')}
  } finally {
    await handle.close()
  }
}

export function isNotRegularFile(error: unknown): error is Error & {code: 'ENOTREGULAR'; kind: string} {
  return (error as {code?: unknown}).code === 'ENOTREGULAR'
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isDirectory()) return 'a directory'
  if (stats.isSocket()) return 'a socket'
  return 'not a file'
}
