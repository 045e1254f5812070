/**
 * The only module that imports AWS SDK clients. Everything is loaded with `await import()`
 * so that help, listing and cached-credential paths never pay for the SDK.
 */
import type {STSClient} from '@aws-sdk/client-sts'

import type {Credentials} from '../plugin-api/index.ts'

import {sdkCredentials, stsCredentials} from './credentials.ts'
import {stsError, type StsRequestContext} from './errors.ts'
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
    ...(credentials ? {credentials: sdkCredentials(credentials)} : {}),
  }
}

async function stsClient(target: StsTarget, credentials?: Credentials) {
  const {STSClient} = await import('@aws-sdk/client-sts')
  return new STSClient(stsClientConfig(target, credentials))
}

/**
 * One STS call: a client for `target`, signed with `credentials` (unsigned without them), the
 * call's deadline, and the client closed afterwards; a failure, of the call or of its answer,
 * becomes one line naming `action` and what was asked (`context`).
 */
async function callSts<T>(
  action: string,
  target: StsTarget,
  credentials: Credentials | undefined,
  context: StsRequestContext,
  work: (client: STSClient, options: {abortSignal: AbortSignal}) => Promise<T>,
): Promise<T> {
  const client = await stsClient(target, credentials)
  try {
    return await work(client, {abortSignal: callDeadline(target.limits)})
  } catch (error) {
    throw stsError(action, error, context)
  } finally {
    client.destroy()
  }
}

function errorContext(target: StsTarget, label: CallLabel): StsRequestContext {
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
  const context = {...errorContext(target, label), durationSeconds: request.durationSeconds, mfaSerial: request.mfaSerial}
  return callSts('GetSessionToken', target, source, context, async (client, options) => {
    const command = new GetSessionTokenCommand({
      DurationSeconds: request.durationSeconds,
      ...(request.mfaSerial ? {SerialNumber: request.mfaSerial, TokenCode: request.tokenCode} : {}),
    })
    return stsCredentials(await client.send(command, options), request.durationSeconds)
  })
}

export async function assumeRole(
  source: Credentials,
  target: StsTarget,
  request: AssumeRoleRequest,
  label: CallLabel = {},
): Promise<Credentials> {
  const {AssumeRoleCommand} = await import('@aws-sdk/client-sts')
  const tags = Object.entries(request.sessionTags).map(([Key, Value]) => ({Key, Value}))
  const context = {
    ...errorContext(target, label),
    durationSeconds: request.durationSeconds,
    mfaSerial: request.mfaSerial,
    roleArn: request.roleArn,
  }
  return callSts('AssumeRole', target, source, context, async (client, options) => {
    const command = new AssumeRoleCommand({
      DurationSeconds: request.durationSeconds,
      RoleArn: request.roleArn,
      RoleSessionName: request.roleSessionName,
      ...(request.externalId ? {ExternalId: request.externalId} : {}),
      ...(request.mfaSerial ? {SerialNumber: request.mfaSerial, TokenCode: request.tokenCode} : {}),
      ...(tags.length > 0 ? {Tags: tags} : {}),
      ...(request.transitiveTagKeys.length > 0 ? {TransitiveTagKeys: request.transitiveTagKeys} : {}),
      ...(request.sourceIdentity ? {SourceIdentity: request.sourceIdentity} : {}),
    })
    return stsCredentials(await client.send(command, options), request.durationSeconds)
  })
}

export async function assumeRoleWithWebIdentity(target: StsTarget, request: WebIdentityRequest): Promise<Credentials> {
  const {AssumeRoleWithWebIdentityCommand} = await import('@aws-sdk/client-sts')
  const context = {...errorContext(target, {}), durationSeconds: request.durationSeconds, roleArn: request.roleArn}
  // Unsigned: the token in the request is the proof.
  return callSts('AssumeRoleWithWebIdentity', target, undefined, context, async (client, options) => {
    const command = new AssumeRoleWithWebIdentityCommand({
      DurationSeconds: request.durationSeconds,
      RoleArn: request.roleArn,
      RoleSessionName: request.roleSessionName,
      WebIdentityToken: request.webIdentityToken,
    })
    return stsCredentials(await client.send(command, options), request.durationSeconds)
  })
}

export async function getCallerIdentity(credentials: Credentials, target: StsTarget): Promise<CallerIdentity> {
  const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')
  return callSts('GetCallerIdentity', target, credentials, errorContext(target, {}), async (client, options) => {
    const result = await client.send(new GetCallerIdentityCommand({}), options)
    return {account: result.Account ?? '', arn: result.Arn ?? '', userId: result.UserId ?? ''}
  })
}
