import type {DecodedItem, ItemCodec, KeyringItem} from '../plugin-api/index.ts'

/**
 * The JSON that aws-vault's keyring library stores for each item, in every backend: Go's
 * encoding of its Item struct, exported field names in declaration order, `Data` as standard
 * padded base64, no field omitted when empty. Backends receive it as `BackendContext.items`.
 */

// Go's encoder escapes these even though JSON does not require it.
const goEscapes: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

export function encodeItem(item: KeyringItem): string {
  const json = JSON.stringify({
    Key: item.key,
    Data: Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength).toString('base64'),
    Label: item.label ?? '',
    Description: item.description ?? '',
    KeychainNotTrustApplication: false,
    KeychainNotSynchronizable: false,
  })
  return json.replace(/[<>&\u2028\u2029]/g, (char) => goEscapes[char] ?? char)
}

/**
 * The item in `json`, named `key` (where the backend found it), or undefined when `json` is
 * not an Item's JSON. Callers holding bytes decode them as strict UTF-8 first.
 */
export function decodeItem(key: string, json: string): DecodedItem | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const stored = parsed as Record<string, unknown>
  if (stored.Data !== undefined && stored.Data !== null && !isStdBase64(stored.Data)) return undefined
  // A copy, so the item's buffer holds its own bytes and not a slice of Node's shared pool.
  const data = typeof stored.Data === 'string' ? new Uint8Array(Buffer.from(stored.Data, 'base64')) : new Uint8Array(0)
  const item: KeyringItem = {key, data}
  if (typeof stored.Label === 'string' && stored.Label !== '') item.label = stored.Label
  if (typeof stored.Description === 'string' && stored.Description !== '') item.description = stored.Description
  return {item, storedKey: typeof stored.Key === 'string' ? stored.Key : undefined}
}

export const itemCodec: ItemCodec = {encode: encodeItem, decode: decodeItem}

// Go rejects what Node's lenient decoder would silently skip; it only drops line breaks.
function isStdBase64(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const compact = value.replace(/[\r\n]/g, '')
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact)
}
