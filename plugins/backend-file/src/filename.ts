// aws-vault's file backend names each file after its key with `%` and `/` percent-encoded
// (upper-case hex, one triplet per UTF-8 byte) and decodes every valid `%XX` when listing.

const encoder = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', {fatal: true})
const escapedByte = /^%[0-9a-fA-F]{2}$/

function percentEncode(char: string): string {
  return [...encoder.encode(char)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
}

/**
 * The file name for a key. "." and ".." would name the directory itself or its parent,
 * so they are encoded whole; every other key is named exactly as aws-vault names it.
 */
export function keyToFilename(key: string): string {
  if (key === '.' || key === '..') return key.replaceAll('.', '%2E')
  return key.replace(/[%/]/g, percentEncode)
}

/** Decodes every `%XX` (either case) and keeps a `%` without two hex digits; undefined when the bytes are not UTF-8. */
export function filenameToKey(name: string): string | undefined {
  const chunks = name
    .split(/(%[0-9a-fA-F]{2})/)
    .map((piece) => (escapedByte.test(piece) ? Uint8Array.of(Number.parseInt(piece.slice(1), 16)) : encoder.encode(piece)))
  try {
    return strictUtf8.decode(Buffer.concat(chunks))
  } catch {
    return undefined
  }
}

/** The key an item file holds, or undefined for a name our encoding never produces (temp files, strays). */
export function itemKeyOf(name: string): string | undefined {
  const key = filenameToKey(name)
  if (key === undefined || key === '' || keyToFilename(key) !== name) return undefined
  return key
}
