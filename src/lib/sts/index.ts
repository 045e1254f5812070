/**
 * The only module that imports AWS SDK clients. Everything is loaded with `await import()`
 * so that help, listing and cached-credential paths never pay for the SDK.
 */
import type {Credentials} from '../plugin-api/index.ts'

import {stsCredentials} from './credentials.ts'
import {stsError} from './errors.ts'
import {callDeadline, clientLimits} from './limits.ts'
import {stsEndpointUrl, type StsTarget} from './target.ts'

export {describeDuration, stsError, type StsRequestContext} from './errors.ts'
export {configuredEndpoint, defaultStsRegion, resolveStsTarget, stsEndpointUrl, type ResolvedStsTarget, type StsTarget} from './target.ts'

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

export interface WebIdentityRequest {
  roleArn: string
  roleSessionName: string
  durationSeconds: number
  webIdentityToken: string
}

/** Who the call is for, only to make its error message helpful. */
export interface CallLabel {
  /** The profile whose credentials sign the call: `vault clear <it>` removes them when they are a stale session. */
  sourceProfileName?: string
}

export interface CallerIdentity {
  account: string
  arn: string
  userId: string
}

/** The client configuration: explicit everywhere, so nothing of the SDK's own config loading decides. */
export function stsClientConfig(target: StsTarget, credentials?: Credentials) {
  return {
    region: target.region,
    useGlobalEndpoint: target.useGlobalEndpoint,
    ...clientLimits(target.limits),
    ...(target.endpoint ? {endpoint: target.endpoint} : {}),
    // AssumeRoleWithWebIdentity is unsigned: the token in the request is the proof.
    ...(credentials
      ? {
          credentials: {
            accessKeyId: credentials.accessKeyId,
            secretAccessKey: credentials.secretAccessKey,
            ...(credentials.sessionToken ? {sessionToken: credentials.sessionToken} : {}),
          },
        }
      : {}),
  }
}

async function stsClient(target: StsTarget, credentials?: Credentials) {
  const {STSClient} = await import('@aws-sdk/client-sts')
  return new STSClient(stsClientConfig(target, credentials))
}

function errorContext(target: StsTarget, label: CallLabel) {
  return {
    endpoint: stsEndpointUrl(target),
    ...(label.sourceProfileName ? {profileName: label.sourceProfileName} : {}),
    ...(target.limits ? {limits: target.limits} : {}),
  }
}

export async function getSessionToken(
  source: Credentials,
  target: StsTarget,
  request: SessionTokenRequest,
  label: CallLabel = {},
): Promise<Credentials> {
  const {GetSessionTokenCommand} = await import('@aws-sdk/client-sts')
  const client = await stsClient(target, source)
  try {
    const result = await client.send(
      new GetSessionTokenCommand({
        DurationSeconds: request.durationSeconds,
        ...(request.mfaSerial ? {SerialNumber: request.mfaSerial, TokenCode: request.tokenCode} : {}),
      }),
      {abortSignal: callDeadline(target.limits)},
    )
    return stsCredentials(result, request.durationSeconds)
  } catch (error) {
    throw stsError('GetSessionToken', error, {
      ...errorContext(target, label),
      durationSeconds: request.durationSeconds,
      mfaSerial: request.mfaSerial,
    })
  } finally {
    client.destroy()
  }
}

export async function assumeRole(
  source: Credentials,
  target: StsTarget,
  request: AssumeRoleRequest,
  label: CallLabel = {},
): Promise<Credentials> {
  const {AssumeRoleCommand} = await import('@aws-sdk/client-sts')
  const client = await stsClient(target, source)
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
      {abortSignal: callDeadline(target.limits)},
    )
    return stsCredentials(result, request.durationSeconds)
  } catch (error) {
    throw stsError('AssumeRole', error, {
      ...errorContext(target, label),
      durationSeconds: request.durationSeconds,
      mfaSerial: request.mfaSerial,
      roleArn: request.roleArn,
    })
  } finally {
    client.destroy()
  }
}

export async function assumeRoleWithWebIdentity(target: StsTarget, request: WebIdentityRequest): Promise<Credentials> {
  const {AssumeRoleWithWebIdentityCommand} = await import('@aws-sdk/client-sts')
  const client = await stsClient(target)
  try {
    const result = await client.send(
      new AssumeRoleWithWebIdentityCommand({
        DurationSeconds: request.durationSeconds,
        RoleArn: request.roleArn,
        RoleSessionName: request.roleSessionName,
        WebIdentityToken: request.webIdentityToken,
      }),
      {abortSignal: callDeadline(target.limits)},
    )
    return stsCredentials(result, request.durationSeconds)
  } catch (error) {
    throw stsError('AssumeRoleWithWebIdentity', error, {
      ...errorContext(target, {}),
      durationSeconds: request.durationSeconds,
      roleArn: request.roleArn,
    })
  } finally {
    client.destroy()
  }
}

export async function getCallerIdentity(credentials: Credentials, target: StsTarget): Promise<CallerIdentity> {
  const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')
  const client = await stsClient(target, credentials)
  try {
    const result = await client.send(new GetCallerIdentityCommand({}), {abortSignal: callDeadline(target.limits)})
    return {account: result.Account ?? '', arn: result.Arn ?? '', userId: result.UserId ?? ''}
  } catch (error) {
    throw stsError('GetCallerIdentity', error, errorContext(target, {}))
  } finally {
    client.destroy()
  }
}
