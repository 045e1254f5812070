import {type CipherGCMTypes, createDecipheriv, pbkdf2, randomBytes} from 'node:crypto'

import {keyringError} from './errors.ts'

// aws-vault's parameters (its JOSE library's fixed choices): PBES2 with HMAC-SHA256 and
// AES-128 key wrap, 8192 PBKDF2 iterations over a 12-byte salt, AES-256-GCM content.
export const KEY_ALGORITHM = 'PBES2-HS256+A128KW'
export const CONTENT_ENCRYPTION = 'A256GCM'
export const ITERATIONS = 8192
const SALT_BYTES = 12

// What aws-vault's reader accepts: any PBES2 variant, and at most this many iterations.
const READABLE_ALGORITHMS = ['PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW']
const MAX_ITERATIONS = 310_000

const encoder = new TextEncoder()

/** Go's `time.Time.String()` in UTC, the form aws-vault puts in the `created` header. */
export function goTimestamp(date: Date): string {
  const iso = date.toISOString()
  const fraction = iso.slice(20, 23).replace(/0+$/, '')
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction === '' ? '' : `.${fraction}`} +0000 UTC`
}

export async function encrypt(plaintext: Uint8Array, passphrase: string, now = new Date()): Promise<string> {
  // jose loads only to write (its compact JWE entry point, not its index): reads of the usual items do without it.
  const {CompactEncrypt} = await import('jose/jwe/compact/encrypt')
  const salt = randomBytes(SALT_BYTES)
  // Listing p2c/p2s here as well keeps the header's keys in the sorted order Go writes them.
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({
      alg: KEY_ALGORITHM,
      created: goTimestamp(now),
      enc: CONTENT_ENCRYPTION,
      p2c: ITERATIONS,
      p2s: salt.toString('base64url'),
    })
    .setKeyManagementParameters({p2c: ITERATIONS, p2s: salt})
    .encrypt(encoder.encode(passphrase))
}

/**
 * The plaintext of a compact JWE. Throws BAD_PASSPHRASE when the passphrase does not open it
 * and BACKEND_CORRUPT (naming `file`) when it is not a JWE we can read.
 */
export async function decrypt(token: string, passphrase: string, file: string): Promise<Uint8Array> {
  const parts = directlyReadable(token.trim())
  if (parts !== undefined) {
    const plaintext = await decryptDirectly(parts, encoder.encode(passphrase))
    if (plaintext === undefined) throw keyringError('BAD_PASSPHRASE', `the passphrase does not decrypt ${file}`)
    return plaintext
  }
  const [{compactDecrypt}, errors] = await Promise.all([import('jose/jwe/compact/decrypt'), import('jose/errors')])
  try {
    const {plaintext} = await compactDecrypt(token.trim(), encoder.encode(passphrase), {
      keyManagementAlgorithms: READABLE_ALGORITHMS,
      maxPBES2Count: MAX_ITERATIONS,
    })
    return plaintext
  } catch (error) {
    if (error instanceof errors.JWEDecryptionFailed) {
      throw keyringError('BAD_PASSPHRASE', `the passphrase does not decrypt ${file}`)
    }
    if (error instanceof errors.JOSEError || error instanceof TypeError) {
      throw keyringError('BACKEND_CORRUPT', `${file} is not an encrypted keyring item (invalid JWE)`)
    }
    throw error
  }
}

// Every item vault and aws-vault write is PBES2 key wrapping with AES-GCM content: read with node:crypto
// alone, which costs a fraction of loading jose's JWE code and the Web Crypto API under it on every run.
// Anything else, or anything out of the ordinary in one of these, goes to jose, which reads or refuses it.
const KEY_WRAPS: Record<string, {hash: string; keyBytes: number}> = {
  'PBES2-HS256+A128KW': {hash: 'sha256', keyBytes: 16},
  'PBES2-HS384+A192KW': {hash: 'sha384', keyBytes: 24},
  'PBES2-HS512+A256KW': {hash: 'sha512', keyBytes: 32},
}
const GCM_KEY_BYTES: Record<string, number> = {A128GCM: 16, A192GCM: 24, A256GCM: 32}
const GCM_IV_BYTES = 12
const GCM_TAG_BYTES = 16
// RFC 3394's initial value: AES key unwrap checks the unwrapped key against it.
const KEY_WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex')
const BASE64URL = /^[A-Za-z0-9_-]*$/
const MIN_SALT_BYTES = 8

interface DirectParts {
  /** The protected header as it stands in the token: the content's additional authenticated data. */
  encodedHeader: string
  alg: string
  enc: string
  iterations: number
  salt: Buffer
  encryptedKey: Buffer
  iv: Buffer
  ciphertext: Buffer
  tag: Buffer
}

/** A compact JWE of the kind decryptDirectly reads, in parts; undefined for anything jose is left to read or word. */
function directlyReadable(token: string): DirectParts | undefined {
  const parts = token.split('.')
  if (parts.length !== 5 || !parts.every((part) => BASE64URL.test(part) && part.length % 4 !== 1)) return undefined
  const [encodedHeader, encryptedKey, iv, ciphertext, tag] = parts as [string, string, string, string, string]
  let header: unknown
  try {
    header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined
  const {alg, enc, p2c, p2s} = header as Record<string, unknown>
  if ('crit' in header || 'zip' in header || typeof alg !== 'string' || typeof enc !== 'string') return undefined
  const wrap = Object.hasOwn(KEY_WRAPS, alg) ? KEY_WRAPS[alg] : undefined
  const contentKeyBytes = Object.hasOwn(GCM_KEY_BYTES, enc) ? GCM_KEY_BYTES[enc] : undefined
  if (wrap === undefined || contentKeyBytes === undefined) return undefined
  if (typeof p2c !== 'number' || !Number.isSafeInteger(p2c) || p2c < 1 || p2c > MAX_ITERATIONS) return undefined
  if (typeof p2s !== 'string' || !BASE64URL.test(p2s) || p2s.length % 4 === 1) return undefined
  const result: DirectParts = {
    alg,
    ciphertext: Buffer.from(ciphertext, 'base64url'),
    enc,
    encodedHeader,
    encryptedKey: Buffer.from(encryptedKey, 'base64url'),
    iterations: p2c,
    iv: Buffer.from(iv, 'base64url'),
    salt: Buffer.from(p2s, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  }
  if (
    result.salt.length < MIN_SALT_BYTES ||
    result.encryptedKey.length !== contentKeyBytes + 8 ||
    result.iv.length !== GCM_IV_BYTES ||
    result.tag.length !== GCM_TAG_BYTES
  ) {
    return undefined
  }
  return result
}

/**
 * RFC 7518's PBES2 key unwrap (PBKDF2 over the algorithm name, a zero byte and p2s) and AES-GCM
 * over the protected header: the plaintext, or undefined when the passphrase does not open it
 * (the key unwrap's integrity check or the content's tag fails).
 */
async function decryptDirectly(parts: DirectParts, passphrase: Uint8Array): Promise<Uint8Array | undefined> {
  const wrap = KEY_WRAPS[parts.alg] as {hash: string; keyBytes: number}
  const salt = Buffer.concat([Buffer.from(parts.alg, 'utf8'), Buffer.of(0), parts.salt])
  const keyEncryptionKey = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(passphrase, salt, parts.iterations, wrap.keyBytes, wrap.hash, (error, key) => (error ? reject(error) : resolve(key))),
  )
  try {
    const unwrap = createDecipheriv(`id-aes${wrap.keyBytes * 8}-wrap`, keyEncryptionKey, KEY_WRAP_IV)
    const contentKey = Buffer.concat([unwrap.update(parts.encryptedKey), unwrap.final()])
    const decipher = createDecipheriv(`aes-${contentKey.length * 8}-gcm` as CipherGCMTypes, contentKey, parts.iv, {
      authTagLength: GCM_TAG_BYTES,
    })
    decipher.setAAD(Buffer.from(parts.encodedHeader, 'ascii'))
    decipher.setAuthTag(parts.tag)
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()])
  } catch {
    return undefined
  }
}
