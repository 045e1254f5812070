import {closeSync, constants, fstatSync, openSync, readFileSync, readSync, type Stats} from 'node:fs'

export interface RegularFile {
  text: string
  stats: Stats
}

/**
 * Reads a file only when it is a regular file (a symlink to one is followed). A FIFO, a device
 * or a directory is refused before anything is read from it: opening without blocking means a
 * FIFO with no writer cannot hang the open, and the check on the open handle means what is read
 * is what was checked. Throws ENOTREGULAR (with `kind`) for those; errno errors as they come.
 * With `maxBytes`, reads no more than that and one byte, and throws ETOOLARGE (with `maxBytes`)
 * for a file that holds more, however large it says it is or grows while read.
 * Read synchronously: these files are small and read once, and loading node:fs/promises costs more
 * than the read itself, on every credential_process call.
 */
export async function readRegularFile(path: string, options: {maxBytes?: number} = {}): Promise<RegularFile> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) {
      throw Object.assign(new Error(`${path} is not a regular file`), {code: 'ENOTREGULAR', kind: fileKind(stats)})
    }
    const {maxBytes} = options
    return {stats, text: maxBytes === undefined ? readFileSync(fd, 'utf8') : readAtMost(fd, maxBytes, path)}
  } finally {
    closeSync(fd)
  }
}

export function isNotRegularFile(error: unknown): error is Error & {code: 'ENOTREGULAR'; kind: string} {
  return (error as {code?: unknown}).code === 'ENOTREGULAR'
}

export function isTooLarge(error: unknown): error is Error & {code: 'ETOOLARGE'; maxBytes: number} {
  return (error as {code?: unknown}).code === 'ETOOLARGE'
}

function readAtMost(fd: number, maxBytes: number, path: string): string {
  const buffer = Buffer.alloc(maxBytes + 1)
  let length = 0
  while (length < buffer.length) {
    const bytesRead = readSync(fd, buffer, length, buffer.length - length, null)
    if (bytesRead === 0) break
    length += bytesRead
  }
  if (length > maxBytes) throw Object.assign(new Error(`${path} holds more than ${maxBytes} bytes`), {code: 'ETOOLARGE', maxBytes})
  return buffer.toString('utf8', 0, length)
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isDirectory()) return 'a directory'
  if (stats.isSocket()) return 'a socket'
  return 'not a file'
}
