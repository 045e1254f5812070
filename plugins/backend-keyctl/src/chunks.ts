import {createHash} from 'node:crypto'

/** The kernel's limit for one "user" key's payload. */
export const MAX_PAYLOAD = 32_767

// No item key starts with a control character, so chunk keys never meet an item's.
export const CHUNK_PREFIX = '\u0001vault-chunk:'

/**
 * What the item's own key holds when its JSON is larger than one kernel key: where the
 * pieces are and how to check that they belong together.
 */
export interface Manifest {
  id: string
  count: number
  sha256: string
}

export function chunkKey(id: string, index: number): string {
  return `${CHUNK_PREFIX}${id}:${index}`
}

export function split(payload: Uint8Array): Uint8Array[] {
  const pieces: Uint8Array[] = []
  for (let offset = 0; offset < payload.byteLength; offset += MAX_PAYLOAD) pieces.push(payload.subarray(offset, offset + MAX_PAYLOAD))
  return pieces
}

export function digest(payload: Uint8Array): string {
  return createHash('sha256').update(payload).digest('hex')
}

export function encodeManifest(manifest: Manifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({VaultChunks: manifest}))
}

/** The manifest a payload is, or undefined when it is an item (or raw data). */
export function decodeManifest(payload: Uint8Array): Manifest | undefined {
  if (payload.byteLength > 512 || payload[0] !== 0x7b) return undefined
  try {
    const parsed = JSON.parse(new TextDecoder().decode(payload)) as {VaultChunks?: Partial<Manifest>}
    const manifest = parsed.VaultChunks
    if (typeof manifest?.id !== 'string' || !/^[0-9a-f]{16,64}$/.test(manifest.id)) return undefined
    if (typeof manifest.count !== 'number' || !Number.isInteger(manifest.count) || manifest.count < 1) return undefined
    if (typeof manifest.sha256 !== 'string') return undefined
    return {id: manifest.id, count: manifest.count, sha256: manifest.sha256}
  } catch {
    return undefined
  }
}
