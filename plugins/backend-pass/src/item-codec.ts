import type {KeyringItem} from '@vault-aws/cli/plugin-api'

// Go's encoder escapes these even though JSON does not require it.
const goEscapes: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

/**
 * The JSON aws-vault's keyring library stores in each entry: Go's encoding of its Item
 * struct, fields in declaration order, `Data` as padded base64, empty fields kept.
 */
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

export interface DecodedItem {
  item: KeyringItem
  /** The `Key` field as written, which may differ from the entry's name (see entry-name.ts). */
  storedKey: string | undefined
}

/** The item in `text` under the name `key`, or undefined when `text` is not an Item's JSON. */
export function decodeItem(key: string, text: string): DecodedItem | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const stored = parsed as Record<string, unknown>
  if (stored.Data !== undefined && stored.Data !== null && !isStdBase64(stored.Data)) return undefined
  const data = typeof stored.Data === 'string' ? Buffer.from(stored.Data, 'base64') : Buffer.alloc(0)
  const item: KeyringItem = {key, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength)}
  if (typeof stored.Label === 'string' && stored.Label !== '') item.label = stored.Label
  if (typeof stored.Description === 'string' && stored.Description !== '') item.description = stored.Description
  return {item, storedKey: typeof stored.Key === 'string' ? stored.Key : undefined}
}

// Go rejects what Node's lenient decoder would silently skip; it only drops line breaks.
function isStdBase64(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const compact = value.replace(/[\r\n]/g, '')
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact)
}
