// Verifies an AWS Signature Version 4 Authorization header by re-signing the request with the SDK's own signer.
import {createHash, createHmac, timingSafeEqual, type Hash, type Hmac} from 'node:crypto'
import {SignatureV4} from '@smithy/signature-v4'
import {signatureDoesNotMatch} from './errors.ts'

type SourceData = string | ArrayBuffer | ArrayBufferView

const toBuffer = (data: SourceData): Buffer => {
  if (typeof data === 'string') return Buffer.from(data, 'utf8')
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return Buffer.from(data)
}

// The signer's hash interface, backed by node:crypto (an HMAC when given a key).
export class Sha256 {
  readonly #secret?: SourceData
  #hash: Hash | Hmac

  constructor(secret?: SourceData) {
    this.#secret = secret
    this.#hash = this.#create()
  }

  #create(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.#secret))
  }

  update(data: SourceData): void {
    this.#hash.update(toBuffer(data))
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest())
  }

  reset(): void {
    this.#hash = this.#create()
  }
}

export interface AuthorizationHeader {
  accessKeyId: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/

export const parseAuthorization = (header: string): AuthorizationHeader | undefined => {
  const match = AUTH_PATTERN.exec(header)
  if (!match) return undefined
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[]
  return {
    accessKeyId: accessKeyId!,
    date: date!,
    region: region!,
    service: service!,
    signedHeaders: signedHeaders!.split(';'),
    signature: signature!,
  }
}

// Loose read of the key id, for the call log, before anything is verified.
export const claimedAccessKeyId = (header: string | undefined): string | undefined =>
  header ? /Credential=([^/,\s]+)\//.exec(header)?.[1] : undefined

export interface SignedRequest {
  method: string
  path: string
  query: Record<string, string | string[]>
  headers: Record<string, string>
  body: Buffer
}

const parseAmzDate = (value: string): Date | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (!match) return undefined
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[]
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!))
}

const FIFTEEN_MINUTES = 15 * 60 * 1000

const amzStamp = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

// Throws SignatureDoesNotMatch unless the signature is what the secret produces for this request.
export const verifySignature = async (
  request: SignedRequest,
  auth: AuthorizationHeader,
  secretAccessKey: string,
  realNow: number,
): Promise<void> => {
  const amzDate = request.headers['x-amz-date']
  const signingDate = amzDate ? parseAmzDate(amzDate) : request.headers.date ? new Date(request.headers.date) : undefined
  if (!signingDate || Number.isNaN(signingDate.getTime())) throw signatureDoesNotMatch()
  if (Math.abs(realNow - signingDate.getTime()) > FIFTEEN_MINUTES) {
    const stamp = amzStamp(signingDate.getTime())
    const bound = signingDate.getTime() < realNow ? realNow - FIFTEEN_MINUTES : realNow + FIFTEEN_MINUTES
    const relation = signingDate.getTime() < realNow ? 'earlier' : 'later'
    const sign = relation === 'earlier' ? '-' : '+'
    throw signatureDoesNotMatch(
      `Signature expired: ${stamp} is now ${relation} than ${amzStamp(bound)} (${amzStamp(realNow)} ${sign} 15 min.)`,
    )
  }
  const contentHash = request.headers['x-amz-content-sha256']
  if (contentHash && contentHash !== 'UNSIGNED-PAYLOAD' && contentHash !== createHash('sha256').update(request.body).digest('hex')) {
    throw signatureDoesNotMatch()
  }

  const signed = new Set(auth.signedHeaders)
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => signed.has(name)))
  // The session token is checked separately; it is signed only when the client signed it.
  const signer = new SignatureV4({
    credentials: {accessKeyId: auth.accessKeyId, secretAccessKey},
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    applyChecksum: false,
  })
  const resigned = await signer.sign(
    {method: request.method, protocol: 'http:', hostname: '', path: request.path, query: request.query, headers, body: request.body},
    {signingDate, signableHeaders: signed, signingRegion: auth.region, signingService: auth.service},
  )
  const expected = parseAuthorization(String(resigned.headers.authorization ?? resigned.headers.Authorization))
  const ok =
    expected !== undefined &&
    expected.signedHeaders.join(';') === auth.signedHeaders.join(';') &&
    timingSafeEqual(Buffer.from(expected.signature), Buffer.from(auth.signature))
  if (!ok) throw signatureDoesNotMatch()
}
