// The console federation endpoint: getSigninToken for a session's credentials, and login URLs carrying that token.
import type {Clock} from './clock.ts'
import {newOpaqueToken} from './ids.ts'
import {sessionArn, type Identities} from './identities.ts'
import type {Session} from './model.ts'

const SIGNIN_TOKEN_LIFETIME_MS = 15 * 60 * 1000

export class FederationRefusal extends Error {}

export interface SigninGrant {
  session: Session
  expiresAt: number
  // Console session length requested with SessionDuration, when given
  sessionDuration?: number
}

export interface VerifiedLogin {
  arn: string
  accessKeyId: string
  destination?: string
  issuer?: string
  sessionDuration?: number
}

export class Federation {
  readonly #clock: Clock
  readonly #identities: Identities
  readonly #grants = new Map<string, SigninGrant>()

  constructor(clock: Clock, identities: Identities) {
    this.#clock = clock
    this.#identities = identities
  }

  // Only AssumeRole-family and GetFederationToken credentials open a console session; SessionDuration
  // is refused with credentials from role chaining, as AWS documents.
  getSigninToken(query: URLSearchParams): {SigninToken: string} {
    const raw = query.get('Session')
    if (!raw) throw new FederationRefusal('Session parameter is required')
    let parsed: {sessionId?: unknown; sessionKey?: unknown; sessionToken?: unknown}
    try {
      parsed = JSON.parse(raw)
    } catch {
      throw new FederationRefusal('Session parameter is not JSON')
    }
    const session = typeof parsed.sessionId === 'string' ? this.#identities.session(parsed.sessionId) : undefined
    if (!session || session.secretAccessKey !== parsed.sessionKey || session.sessionToken !== parsed.sessionToken) {
      throw new FederationRefusal('invalid credentials')
    }
    if (session.expiresAt <= this.#clock.now()) throw new FederationRefusal('expired credentials')
    if (session.source === 'GetSessionToken') throw new FederationRefusal('GetSessionToken credentials cannot sign in to the console')
    const durationParam = query.get('SessionDuration')
    let sessionDuration: number | undefined
    if (durationParam !== null) {
      sessionDuration = Number(durationParam)
      if (!Number.isInteger(sessionDuration) || sessionDuration < 900 || sessionDuration > 43200) {
        throw new FederationRefusal('SessionDuration must be between 900 and 43200')
      }
      if (session.chained) throw new FederationRefusal('SessionDuration is not allowed with credentials from role chaining')
    }
    const token = newOpaqueToken(256)
    this.#grants.set(token, {session, expiresAt: this.#clock.now() + SIGNIN_TOKEN_LIFETIME_MS, sessionDuration})
    return {SigninToken: token}
  }

  login(query: URLSearchParams): VerifiedLogin {
    const grant = this.#grants.get(query.get('SigninToken') ?? '')
    if (!grant || grant.expiresAt <= this.#clock.now()) throw new FederationRefusal('invalid or expired SigninToken')
    return {
      arn: sessionArn(grant.session),
      accessKeyId: grant.session.accessKeyId,
      destination: query.get('Destination') ?? undefined,
      issuer: query.get('Issuer') ?? undefined,
      sessionDuration: grant.sessionDuration,
    }
  }
}
