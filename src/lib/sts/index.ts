/**
 * The only module that imports AWS SDK clients. Everything is loaded with `await import()`
 * so that help, listing and cached-credential paths never pay for the SDK.
 */
import type {Credentials} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'

export interface StsTarget {
  region: string
  /** Endpoint override from AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or the profile's endpoint_url. */
  endpoint?: string
}

export interface SessionTokenRequest {
  durationSeconds: number
  mfaSerial?: string
  tokenCode?: string
}

export interface AssumeRoleRequest {
  roleArn: string
  roleSessionName: string
  durationSeconds: number
  externalId?: string
  mfaSerial?: string
  tokenCode?: string
  sessionTags: Record<string, string>
  transitiveTagKeys: string[]
  sourceIdentity?: string
}

async function stsClient(credentials: Credentials, target: StsTarget) {
  const {STSClient} = await import('@aws-sdk/client-sts')
  return new STSClient({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? {sessionToken: credentials.sessionToken} : {}),
    },
    region: target.region,
    ...(target.endpoint ? {endpoint: target.endpoint} : {}),
  })
}

function toCredentials(result: {Credentials?: {AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date}}): Credentials {
  const c = result.Credentials
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new VaultError('INTERNAL', 'STS answered without credentials')
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken ? {sessionToken: c.SessionToken} : {}),
    ...(c.Expiration ? {expiration: new Date(c.Expiration)} : {}),
  }
}

export async function getSessionToken(source: Credentials, target: StsTarget, request: SessionTokenRequest): Promise<Credentials> {
  const {GetSessionTokenCommand} = await import('@aws-sdk/client-sts')
  const client = await stsClient(source, target)
  try {
    const result = await client.send(
      new GetSessionTokenCommand({
        DurationSeconds: request.durationSeconds,
        ...(request.mfaSerial ? {SerialNumber: request.mfaSerial, TokenCode: request.tokenCode} : {}),
      }),
    )
    return toCredentials(result)
  } catch (error) {
    throw stsError('GetSessionToken', error)
  } finally {
    client.destroy()
  }
}

export async function assumeRole(source: Credentials, target: StsTarget, request: AssumeRoleRequest): Promise<Credentials> {
  const {AssumeRoleCommand} = await import('@aws-sdk/client-sts')
  const client = await stsClient(source, target)
  const tags = Object.entries(request.sessionTags).map(([Key, Value]) => ({Key, Value}))
  try {
    const result = await client.send(
      new AssumeRoleCommand({
        DurationSeconds: request.durationSeconds,
        RoleArn: request.roleArn,
        RoleSessionName: request.roleSessionName,
        ...(request.externalId ? {ExternalId: request.externalId} : {}),
        ...(request.mfaSerial ? {SerialNumber: request.mfaSerial, TokenCode: request.tokenCode} : {}),
        ...(tags.length > 0 ? {Tags: tags} : {}),
        ...(request.transitiveTagKeys.length > 0 ? {TransitiveTagKeys: request.transitiveTagKeys} : {}),
        ...(request.sourceIdentity ? {SourceIdentity: request.sourceIdentity} : {}),
      }),
    )
    return toCredentials(result)
  } catch (error) {
    throw stsError('AssumeRole', error)
  } finally {
    client.destroy()
  }
}

/** STS failures as one line with a hint; the SDK's message never contains secrets. */
export function stsError(action: string, error: unknown): VaultError {
  if (error instanceof VaultError) return error
  const name = error instanceof Error ? error.name : 'Error'
  const message = error instanceof Error ? error.message : String(error)
  const suggestions: string[] = []
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') suggestions.push('clear cached sessions with `vault clear`')
  if (name === 'InvalidClientTokenId') suggestions.push('the stored access key is unknown to AWS: store a valid one with `vault add`')
  if (name === 'SignatureDoesNotMatch') suggestions.push('the stored secret key is wrong: store the right one with `vault add`')
  if (/MultiFactorAuthentication|MFA/i.test(message)) suggestions.push('check mfa_serial in the profile and that the code is current')
  if (/DurationSeconds/.test(message)) suggestions.push("ask for less with --duration, or raise the role's MaxSessionDuration")
  return new VaultError('STS_FAILED', `${action} failed: ${name}: ${message}`, {cause: error, suggestions})
}
