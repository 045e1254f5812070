// OIDC ID tokens for AssumeRoleWithWebIdentity: minted by the emulator per issuer (RS256) and verified against that key.
import {createSign, createVerify, generateKeyPairSync, type KeyObject} from 'node:crypto'
import {AwsError} from './errors.ts'

export interface WebIdentityClaims {
  iss: string
  aud: string | string[]
  sub: string
  exp: number
  iat?: number
  [claim: string]: unknown
}

const invalidToken = (message: string): AwsError => new AwsError('InvalidIdentityToken', message, 400)

const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

export class WebIdentityKeys {
  readonly #keys = new Map<string, {privateKey: KeyObject; publicKey: KeyObject}>()

  #keyFor(issuer: string): {privateKey: KeyObject; publicKey: KeyObject} {
    let pair = this.#keys.get(issuer)
    if (!pair) {
      pair = generateKeyPairSync('rsa', {modulusLength: 2048})
      this.#keys.set(issuer, pair)
    }
    return pair
  }

  mint(claims: WebIdentityClaims): string {
    const {privateKey} = this.#keyFor(claims.iss)
    const signingInput = `${b64json({alg: 'RS256', typ: 'JWT', kid: 'emulator'})}.${b64json(claims)}`
    const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey).toString('base64url')
    return `${signingInput}.${signature}`
  }

  // Checks the signature and expiry; issuer and audience are checked against the account's providers by the caller.
  verify(token: string, nowMs: number): WebIdentityClaims {
    const parts = token.split('.')
    if (parts.length !== 3)
      throw invalidToken(
        'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
      )
    const [header, payload, signature] = parts as [string, string, string]
    let claims: WebIdentityClaims
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
      JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))
    } catch {
      throw invalidToken(
        'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
      )
    }
    const pair = typeof claims.iss === 'string' ? this.#keys.get(claims.iss) : undefined
    if (!pair) {
      throw invalidToken(
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
      )
    }
    const valid = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(pair.publicKey, Buffer.from(signature, 'base64url'))
    if (!valid)
      throw invalidToken(
        'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
      )
    const now = Math.floor(nowMs / 1000)
    if (typeof claims.exp !== 'number' || claims.exp <= now) {
      throw new AwsError(
        'ExpiredTokenException',
        `Token expired: current date/time ${now} must be before the expiration date/time ${claims.exp}`,
        400,
      )
    }
    return claims
  }
}
