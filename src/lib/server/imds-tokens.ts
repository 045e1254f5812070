import {createHash, randomBytes} from 'node:crypto'

/** The longest session token IMDSv2 grants: six hours. */
export const maxImdsTokenTtlSeconds = 21_600
const maxLiveTokens = 10_000

/**
 * IMDSv2 session tokens. Once one has been issued, metadata requests must carry a valid one:
 * a client that started with v2 cannot be downgraded to v1 by another local process.
 * Tokens are kept by digest, so a lookup reveals nothing about stored tokens through timing.
 */
export class ImdsTokens {
  private readonly expiries = new Map<string, number>()
  private readonly now: () => number
  private issuedAny = false

  constructor(now: () => number = Date.now) {
    this.now = now
  }

  /** True once a token was issued: requests without one are refused from then on. */
  get required(): boolean {
    return this.issuedAny
  }

  issue(ttlSeconds: number): string {
    this.prune()
    const token = randomBytes(32).toString('base64url')
    this.expiries.set(digest(token), this.now() + ttlSeconds * 1000)
    this.issuedAny = true
    return token
  }

  isValid(token: string): boolean {
    const key = digest(token)
    const expiry = this.expiries.get(key)
    if (expiry === undefined) return false
    if (expiry <= this.now()) {
      this.expiries.delete(key)
      return false
    }
    return true
  }

  private prune(): void {
    const now = this.now()
    for (const [key, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(key)
    // Oldest first: Map keeps insertion order.
    for (const key of this.expiries.keys()) {
      if (this.expiries.size < maxLiveTokens) break
      this.expiries.delete(key)
    }
  }
}

/** The TTL a token request asks for, or undefined when the header is missing or out of range. */
export function requestedTtl(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\d{1,6}$/.test(header.trim())) return undefined
  const seconds = Number(header.trim())
  return seconds >= 1 && seconds <= maxImdsTokenTtlSeconds ? seconds : undefined
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64')
}
