import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'

/** The longest session token IMDSv2 grants: six hours. */
export const MAX_IMDS_TOKEN_TTL_SECONDS = 21_600

const VERSION = 1
const EXPIRY_BYTES = 8
const MAC_BYTES = 32

/**
 * IMDSv2 session tokens that need no table: a token is its expiry, signed with a secret made
 * for this run (HMAC-SHA256). Checking one looks nothing up, so no number of token requests
 * from other local processes can push out a token a client holds, and a token of another run,
 * an altered one or an expired one is refused.
 *
 * IMDSv1 is answered whether or not tokens were issued, as on an instance whose metadata
 * options allow both: the server has no secret (any local process may ask for a token), so
 * requiring one would protect nothing and would let any process that asks for a token break the
 * IMDSv1 clients. A request that does carry a token must carry a valid one.
 */
export class ImdsTokens {
  private readonly secret = randomBytes(32)
  private readonly now: () => number

  constructor(now: () => number = Date.now) {
    this.now = now
  }

  issue(ttlSeconds: number): string {
    const body = Buffer.alloc(1 + EXPIRY_BYTES)
    body.writeUInt8(VERSION, 0)
    body.writeBigUInt64BE(BigInt(this.now() + ttlSeconds * 1000), 1)
    return Buffer.concat([body, this.mac(body)]).toString('base64url')
  }

  isValid(token: string): boolean {
    const bytes = Buffer.from(token, 'base64url')
    // Only the exact text issue() makes: base64url decoding forgives stray characters and padding bits.
    if (bytes.length !== 1 + EXPIRY_BYTES + MAC_BYTES || bytes.toString('base64url') !== token || bytes[0] !== VERSION) return false
    const body = bytes.subarray(0, 1 + EXPIRY_BYTES)
    if (!timingSafeEqual(bytes.subarray(1 + EXPIRY_BYTES), this.mac(body))) return false
    return Number(body.readBigUInt64BE(1)) > this.now()
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(body).digest()
  }
}

/** The TTL a token request asks for, or undefined when the header is missing or out of range. */
export function requestedTtl(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\d{1,6}$/.test(header.trim())) return undefined
  const seconds = Number(header.trim())
  return seconds >= 1 && seconds <= MAX_IMDS_TOKEN_TTL_SECONDS ? seconds : undefined
}
