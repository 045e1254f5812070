// What every call asked and how it ended, for tests to assert on. Secret values are masked, never kept.
import {callerAccessKeyId, callerAccount, callerArn, callerUserId} from './identities.ts'
import type {Caller, SessionSource} from './model.ts'

export type ServiceName = 'sts' | 'iam' | 'sso' | 'sso-oidc' | 'federation'

export interface CallPrincipal {
  arn: string
  account: string
  userId: string
  accessKeyId: string
  // 'long-term' for access keys, otherwise the action that issued the session
  source: 'long-term' | SessionSource
  mfa: boolean
  // What CloudTrail's session context shows and GetCallerIdentity does not
  tags: Record<string, string>
  transitiveTagKeys: string[]
  sourceIdentity?: string
}

export interface CallOutcome {
  // 0 while the call is in flight
  status: number
  error?: string
  message?: string
}

export interface Call {
  seq: number
  at: Date
  service: ServiceName
  action: string
  // The key id the request claimed, verified or not
  accessKeyId?: string
  params: Record<string, unknown>
  principal?: CallPrincipal
  outcome: CallOutcome
}

export const REDACTED = '[redacted]'

const SECRET_PARAMS = new Set([
  'TokenCode',
  'WebIdentityToken',
  'SAMLAssertion',
  'clientSecret',
  'deviceCode',
  'refreshToken',
  'code',
  'codeVerifier',
  'accessToken',
  'Session',
  'SigninToken',
])

export const redact = (params: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(params).map(([name, value]) => [name, SECRET_PARAMS.has(name) ? REDACTED : value]))

export const principalOf = (caller: Caller): CallPrincipal => {
  const session = caller.kind === 'session' ? caller.session : undefined
  return {
    arn: callerArn(caller),
    account: callerAccount(caller),
    userId: callerUserId(caller),
    accessKeyId: callerAccessKeyId(caller),
    source: session?.source ?? 'long-term',
    mfa: session?.mfa ?? false,
    tags: {...session?.tags},
    transitiveTagKeys: [...(session?.transitiveTagKeys ?? [])],
    sourceIdentity: session?.sourceIdentity,
  }
}

export class CallLog {
  readonly calls: Call[] = []
  #seq = 0

  open(entry: Omit<Call, 'seq' | 'outcome'>): Call {
    const call: Call = {...entry, seq: ++this.#seq, outcome: {status: 0}}
    this.calls.push(call)
    return call
  }

  of(action: string): Call[] {
    return this.calls.filter((call) => call.action === action)
  }

  clear(): void {
    this.calls.length = 0
  }
}
