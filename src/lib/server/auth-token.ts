import {randomBytes, timingSafeEqual} from 'node:crypto'

/** A fresh secret per server run: 30 random bytes, URL-safe, as long as aws-vault's. */
export function newAuthToken(): string {
  return randomBytes(30).toString('base64url')
}

/**
 * A check of the `Authorization` header against the token in constant time. Only the length
 * can differ in time, and every token this server makes has the same, public, length.
 */
export function tokenCheck(expected: string): (given: string | undefined) => boolean {
  const wanted = Buffer.from(expected)
  // Reused for every request: the check allocates nothing.
  const offered = Buffer.alloc(wanted.length)
  return (given) => {
    if (given === undefined || Buffer.byteLength(given) !== wanted.length) return false
    offered.write(given)
    return timingSafeEqual(offered, wanted)
  }
}
