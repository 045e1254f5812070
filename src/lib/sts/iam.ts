/**
 * IAM calls for key rotation and console login, loaded lazily like every SDK client. Errors
 * become one-line VaultErrors that keep AWS's error name (see {@link awsErrorName}), so
 * callers can tell a refusal from a hiccup worth retrying.
 */
import type {Credentials, ResolvedProfile} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import {sdkCredentials} from './credentials.ts'
import {callLimitsFromEnv, clientLimits, describeLimits, isTimeout, LIMITS_SUGGESTION, type CallLimits} from './limits.ts'
import {configuredEndpoint} from './target.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface IamTarget {
  /** IAM is global: the region only picks the partition (and the signing region). */
  region: string
  /** From AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL or the profile's endpoint_url. */
  endpoint?: string
  /** Attempts and timeouts set in the environment; the defaults otherwise. */
  limits?: CallLimits
}

export interface AccessKeyInfo {
  accessKeyId: string
  status: string
  createDate?: Date
}

export interface UserAccessKeys {
  userName: string
  keys: AccessKeyInfo[]
}

export interface CreatedAccessKey {
  userName: string
  credentials: Credentials
}

/** The region IAM is signed for in the profile's partition. */
export function iamRegion(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'cn-north-1'
  if (region?.startsWith('us-gov-')) return 'us-gov-west-1'
  return 'us-east-1'
}

export function resolveIamTarget(profile: ResolvedProfile | undefined, env: Env): IamTarget {
  const endpoint = profile ? configuredEndpoint('AWS_ENDPOINT_URL_IAM', profile, env) : envEndpoint('AWS_ENDPOINT_URL_IAM', env)
  const limits = callLimitsFromEnv(env)
  return {
    region: iamRegion(profile?.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION),
    ...(endpoint ? {endpoint} : {}),
    ...(limits ? {limits} : {}),
  }
}

/** The endpoint override when there is no profile: only the environment speaks. */
export function envEndpoint(serviceVariable: string, env: Env): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined
  return env[serviceVariable] || env.AWS_ENDPOINT_URL || undefined
}

/** AWS's name for an error (`Throttling`, `LimitExceeded`, …), looking through our wrappers; network codes too. */
export function awsErrorName(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    if (!(current instanceof VaultError)) {
      const name = current instanceof Error ? current.name : undefined
      const code = (current as {code?: unknown}).code
      if (typeof code === 'string' && code !== '' && (name === 'Error' || name === undefined)) return code
      return name
    }
    current = current.cause
  }
  return undefined
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** IAM failures as one line; the SDK's messages never carry secrets. */
export function iamError(action: string, error: unknown, endpoint: string): VaultError {
  if (error instanceof VaultError) return error
  const name = awsErrorName(error) ?? 'Error'
  const message = oneLine(error instanceof Error ? error.message : String(error))
  const fail = (text: string, suggestions: string[]) =>
    new VaultError('IAM_FAILED', `IAM ${action} failed: ${text}`, {cause: error, suggestions})
  if (name === 'InvalidClientTokenId') {
    return fail(`AWS does not accept these credentials for IAM (${name})`, [
      'IAM refuses sessions made without MFA: set mfa_serial in the profile, or use --no-session to call IAM with the stored key',
    ])
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return fail(`access denied (${message.replace(/\.$/, '')})`, [
      'check the IAM policy of the user: it must allow managing its own access keys',
    ])
  }
  if (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH)$/.test(name)) {
    return fail(`IAM could not be reached at ${endpoint} (${name})`, [
      'check the network, and AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL if you set them',
    ])
  }
  return fail(`${message.replace(/\.$/, '')} (${name})`, ['run again with --debug for details'])
}

function endpointOf(target: IamTarget): string {
  if (target.endpoint) return target.endpoint
  if (target.region.startsWith('cn-')) return 'https://iam.cn-north-1.amazonaws.com.cn'
  if (target.region.startsWith('us-gov-')) return 'https://iam.us-gov.amazonaws.com'
  return 'https://iam.amazonaws.com'
}

async function iamClient(target: IamTarget, credentials: Credentials) {
  const {IAMClient} = await import('@aws-sdk/client-iam')
  return new IAMClient({
    credentials: sdkCredentials(credentials),
    region: target.region,
    ...(target.endpoint ? {endpoint: target.endpoint} : {}),
    ...clientLimits(target.limits),
  })
}

async function call<T>(
  action: string,
  target: IamTarget,
  credentials: Credentials,
  work: (client: Awaited<ReturnType<typeof iamClient>>) => Promise<T>,
): Promise<T> {
  const client = await iamClient(target, credentials)
  try {
    return await work(client)
  } catch (error) {
    if (isTimeout(error)) {
      throw new VaultError('IAM_FAILED', `${action} failed: IAM gave ${describeLimits(target.limits)} at ${endpointOf(target)}`, {
        cause: error,
        suggestions: [LIMITS_SUGGESTION],
      })
    }
    throw iamError(action, error, endpointOf(target))
  } finally {
    client.destroy()
  }
}

/** The caller's user (or the named one): its name and ARN. */
export async function getUser(credentials: Credentials, target: IamTarget, userName?: string): Promise<{userName: string; arn: string}> {
  const {GetUserCommand} = await import('@aws-sdk/client-iam')
  return call('GetUser', target, credentials, async (client) => {
    const answer = await client.send(new GetUserCommand(userName ? {UserName: userName} : {}))
    return {arn: answer.User?.Arn ?? '', userName: answer.User?.UserName ?? ''}
  })
}

/** The user's access keys; without a name, the calling user's (and IAM says which user that is). */
export async function listAccessKeys(credentials: Credentials, target: IamTarget, userName?: string): Promise<UserAccessKeys> {
  const {ListAccessKeysCommand} = await import('@aws-sdk/client-iam')
  return call('ListAccessKeys', target, credentials, async (client) => {
    const answer = await client.send(new ListAccessKeysCommand(userName ? {UserName: userName} : {}))
    const metadata = answer.AccessKeyMetadata ?? []
    return {
      keys: metadata.map((key) => ({
        accessKeyId: key.AccessKeyId ?? '',
        status: key.Status ?? '',
        ...(key.CreateDate ? {createDate: new Date(key.CreateDate)} : {}),
      })),
      userName: userName ?? metadata[0]?.UserName ?? '',
    }
  })
}

export async function createAccessKey(credentials: Credentials, target: IamTarget, userName?: string): Promise<CreatedAccessKey> {
  const {CreateAccessKeyCommand} = await import('@aws-sdk/client-iam')
  return call('CreateAccessKey', target, credentials, async (client) => {
    const answer = await client.send(new CreateAccessKeyCommand(userName ? {UserName: userName} : {}))
    const key = answer.AccessKey
    if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error('IAM answered without an access key')
    return {credentials: {accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey}, userName: key.UserName ?? userName ?? ''}
  })
}

export async function deleteAccessKey(credentials: Credentials, target: IamTarget, accessKeyId: string, userName?: string): Promise<void> {
  const {DeleteAccessKeyCommand} = await import('@aws-sdk/client-iam')
  await call('DeleteAccessKey', target, credentials, async (client) => {
    await client.send(new DeleteAccessKeyCommand({AccessKeyId: accessKeyId, ...(userName ? {UserName: userName} : {})}))
  })
}
