import type {KeyringItem} from '@vault-aws/cli/plugin-api'

/**
 * The JSON aws-vault's keyring library puts in a Secret Service secret: Go's encoding of
 * its Item struct, exported field names, `Data` as standard padded base64, nothing omitted.
 */
export interface StoredItem {
  Key: string
  Data: string | null
  Label: string
  Description: string
  KeychainNotTrustApplication: boolean
  KeychainNotSynchronizable: boolean
}

// Go's encoder escapes these even though JSON does not require it.
const goEscapes: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

export function encodeItem(item: KeyringItem): Uint8Array {
  const stored: StoredItem = {
    Key: item.key,
    Data: Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength).toString('base64'),
    Label: item.label ?? '',
    Description: item.description ?? '',
    KeychainNotTrustApplication: false,
    KeychainNotSynchronizable: false,
  }
  const json = JSON.stringify(stored).replace(/[<>&\u2028\u2029]/g, (char) => goEscapes[char] ?? char)
  return new TextEncoder().encode(json)
}

/** The item in `secret`, or undefined when it is not an Item's JSON. `key` is the key it was found under. */
export function decodeItem(key: string, secret: Uint8Array): KeyringItem | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(secret))
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const stored = parsed as Partial<Record<keyof StoredItem, unknown>>
  if (stored.Data !== undefined && stored.Data !== null && !isStdBase64(stored.Data)) return undefined
  const data = typeof stored.Data === 'string' ? Buffer.from(stored.Data, 'base64') : Buffer.alloc(0)
  const item: KeyringItem = {key, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength)}
  if (typeof stored.Label === 'string' && stored.Label !== '') item.label = stored.Label
  if (typeof stored.Description === 'string' && stored.Description !== '') item.description = stored.Description
  return item
}

// Go rejects what Node's lenient decoder would silently skip; it only drops line breaks.
function isStdBase64(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const compact = value.replace(/[\r\n]/g, '')
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact)
}
