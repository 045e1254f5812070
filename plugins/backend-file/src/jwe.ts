import {randomBytes} from 'node:crypto'

// The subpath entry points load the compact JWE code only, not all of jose: every run that reads an item pays for this.
import {compactDecrypt} from 'jose/jwe/compact/decrypt'
import {CompactEncrypt} from 'jose/jwe/compact/encrypt'
import * as errors from 'jose/errors'

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
