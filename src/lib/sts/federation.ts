/**
 * The calls behind `vault login`: GetFederationToken for plain IAM users (loaded lazily like
 * every SDK client) and the console federation endpoint's getSigninToken.
 */
import type {Credentials} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import {stsCredentials} from './credentials.ts'
import {stsClientConfig, stsError} from './index.ts'
import {awsErrorName} from './iam.ts'
import {callDeadline, DEFAULT_CALL_LIMITS, describeLimits, isTimeout, LIMITS_SUGGESTION, type CallLimits} from './limits.ts'
import {stsEndpointUrl, type StsTarget} from './target.ts'

/** What aws-vault asks for: the federated session may do whatever the user may. */
export const ALLOW_ALL_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'

/** GetFederationToken's Name is 2–32 characters of `[\w+=,.@-]`. */
export function federatedUserName(userName: string): string {
  const cleaned = userName.replace(/[^\w+=,.@-]/g, '-').slice(0, 32)
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2)
}

export interface FederationTokenRequest {
  name: string
  durationSeconds: number
  policy?: string
}

export async function getFederationToken(
  source: Credentials,
  target: StsTarget,
  request: FederationTokenRequest,
  label: {profileName?: string} = {},
): Promise<Credentials> {
  const {GetFederationTokenCommand, STSClient} = await import('@aws-sdk/client-sts')
  const client = new STSClient(stsClientConfig(target, source))
  try {
    const answer = await client.send(
      new GetFederationTokenCommand({
        DurationSeconds: request.durationSeconds,
        Name: request.name,
        Policy: request.policy ?? ALLOW_ALL_POLICY,
      }),
    )
    return stsCredentials(answer)
  } catch (error) {
    throw federationTokenError(error, target, request, label)
  } finally {
    client.destroy()
  }
}

/**
 * GetFederationToken cannot carry an MFA code, so a policy that demands MFA refuses it
 * (aws-vault #564, #784): say so and point at a role profile instead of a raw AWS error.
 */
function federationTokenError(
  error: unknown,
  target: StsTarget,
  request: FederationTokenRequest,
  label: {profileName?: string},
): VaultError {
  const name = awsErrorName(error)
  const message = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error)
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    const mfa = /MultiFactorAuth|MFA|explicit deny/i.test(message)
    return new VaultError(
      'FEDERATION_FAILED',
      mfa
        ? `GetFederationToken was refused, most likely because your IAM policy demands MFA, which GetFederationToken cannot carry (${message.replace(/\.$/, '')})`
        : `GetFederationToken was refused (${message.replace(/\.$/, '')})`,
      {
        cause: error,
        suggestions: [
          'sign in to the console through a role instead: a profile with role_arn, source_profile and mfa_serial, then `vault login <that profile>`',
          ...(mfa ? [] : ['or allow sts:GetFederationToken in the IAM policy of the user whose keys are stored']),
        ],
      },
    )
  }
  if (/session credentials/i.test(message)) {
    return new VaultError(
      'FEDERATION_FAILED',
      `GetFederationToken needs long-term access keys, not session credentials (${message.replace(/\.$/, '')})`,
      {
        cause: error,
        suggestions: ['use a profile whose keys are stored with `vault add`, or a role profile'],
      },
    )
  }
  return stsError('GetFederationToken', error, {
    durationSeconds: request.durationSeconds,
    endpoint: stsEndpointUrl(target),
    ...(label.profileName ? {profileName: label.profileName} : {}),
  })
}

export interface SigninTokenRequest {
  /** The federation endpoint, e.g. https://signin.aws.amazon.com/federation. */
  federationUrl: string
  credentials: Credentials
  fetch?: typeof fetch
  /** Attempts and timeouts set in the environment; the defaults otherwise. */
  limits?: CallLimits
}

/** Trades temporary credentials for a console SigninToken (valid 15 minutes). */
export async function getSigninToken(request: SigninTokenRequest): Promise<string> {
  const {credentials, federationUrl} = request
  if (!credentials.sessionToken) {
    throw new VaultError('FEDERATION_FAILED', 'the console accepts temporary credentials only, and these have no session token', {
      suggestions: ['use a role or SSO profile, or stored keys (vault login then asks for a federation token)'],
    })
  }
  const url = new URL(federationUrl)
  url.searchParams.set('Action', 'getSigninToken')
  url.searchParams.set(
    'Session',
    JSON.stringify({sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken}),
  )
  const where = `${url.origin}${url.pathname}`
  // One request, not retried: a SigninToken request is cheap to make again by hand.
  const oneAttempt = {...(request.limits ?? DEFAULT_CALL_LIMITS), maxAttempts: 1}
  let response: Response
  try {
    response = await (request.fetch ?? fetch)(url, {
      headers: {accept: 'application/json'},
      redirect: 'error',
      signal: callDeadline(oneAttempt),
    })
  } catch (error) {
    if (isTimeout(error)) {
      throw new VaultError('FEDERATION_FAILED', `the console federation endpoint ${where} gave ${describeLimits(oneAttempt)}`, {
        cause: error,
        suggestions: [LIMITS_SUGGESTION],
      })
    }
    const code = (error as {cause?: {code?: string}}).cause?.code ?? (error instanceof Error ? error.message : String(error))
    throw new VaultError('FEDERATION_FAILED', `the console federation endpoint ${where} could not be reached (${code})`, {
      cause: error,
      suggestions: ['check the network, and AWS_VAULT_FEDERATION_URL if you set it'],
    })
  }
  const body = await response.text()
  if (!response.ok) {
    // The endpoint's refusals are short texts, never the credentials sent.
    const detail = body.replace(/\s+/g, ' ').trim().slice(0, 200)
    throw new VaultError(
      'FEDERATION_FAILED',
      `getSigninToken at ${where} failed with HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
      {
        suggestions: ['credentials from GetSessionToken cannot sign in to the console: use a role or SSO profile, or stored keys'],
      },
    )
  }
  let token: unknown
  try {
    token = (JSON.parse(body) as {SigninToken?: unknown}).SigninToken
  } catch {
    token = undefined
  }
  if (typeof token !== 'string' || token === '') {
    throw new VaultError('FEDERATION_FAILED', `getSigninToken at ${where} answered without a SigninToken`, {
      suggestions: ['run again with --debug for details'],
    })
  }
  return token
}
