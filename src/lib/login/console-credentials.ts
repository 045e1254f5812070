/**
 * Which credentials open the console, by aws-vault v7's rules: a role, SSO or web-identity
 * profile's temporary credentials as they are; a plain IAM user's stored keys through
 * GetFederationToken (named after the user, with the allow-all policy), because the console
 * refuses long-term keys and GetSessionToken sessions alike.
 */
import type {Credentials, ResolvedProfile} from '../plugin-api/index.ts'

import type {Logger} from '../log.ts'
import type {IamTarget} from '../sts/iam.ts'
import type {StsTarget} from '../sts/target.ts'

export type ConsoleRoute =
  /** The profile's chain gives temporary credentials the console takes (AssumeRole, SSO, web identity). */
  | {kind: 'chain'}
  /** Stored long-term keys (the profile's or a source_profile's) go through GetFederationToken. */
  | {kind: 'federate-stored'; storedProfile: string}
  /** Whatever the chain gives (credential_process): used as is when temporary, federated when long-term. */
  | {kind: 'chain-or-federate'}

export function consoleRoute(profile: ResolvedProfile, storedProfile: string | undefined): ConsoleRoute {
  if (profile.roleArn) return {kind: 'chain'}
  if (storedProfile !== undefined) return {kind: 'federate-stored', storedProfile}
  if (profile.ssoStartUrl || profile.ssoSession || profile.webIdentityTokenFile || profile.webIdentityTokenProcess) return {kind: 'chain'}
  return {kind: 'chain-or-federate'}
}

export interface FederationSetup {
  iamTarget: IamTarget
  stsTarget: StsTarget
  durationSeconds: number
  log: Logger
  profileName?: string
}

const DENIED_USER_PATTERN = /User: arn:aws[\w-]*:iam::\d+:user\/(\S+) is not authorized/

/**
 * The IAM user name behind long-term keys, from GetUser. When the user may not call GetUser
 * (a policy demanding MFA, say), AWS's refusal still names the user: that name serves.
 */
export async function iamUserName(source: Credentials, target: IamTarget, log: Logger): Promise<string> {
  const {awsErrorName, getUser} = await import('../sts/iam.ts')
  try {
    const user = await getUser(source, target)
    if (user.userName) return user.userName
    return user.arn.split(/[:/]/).at(-1) ?? ''
  } catch (error) {
    const text = `${error instanceof Error ? error.message : ''} ${String((error as {cause?: {message?: string}}).cause?.message ?? '')}`
    const match = DENIED_USER_PATTERN.exec(text)
    if (match && /^AccessDenied/.test(awsErrorName(error) ?? '')) {
      const name = match[1]!.split('/').at(-1)!
      log(`GetUser was refused; the refusal names the user ${name}`)
      return name
    }
    throw error
  }
}

/** GetFederationToken with the user's name and the allow-all policy, as aws-vault asks for it. */
export async function federatedCredentials(source: Credentials, setup: FederationSetup): Promise<Credentials> {
  const userName = await iamUserName(source, setup.iamTarget, setup.log)
  const {federatedUserName, getFederationToken} = await import('../sts/federation.ts')
  const name = federatedUserName(userName)
  setup.log(`GetFederationToken as ${name} for ${setup.durationSeconds}s`)
  return getFederationToken(
    source,
    setup.stsTarget,
    {durationSeconds: setup.durationSeconds, name},
    setup.profileName ? {profileName: setup.profileName} : {},
  )
}

/** AWS credentials from the environment, as the SDKs read them; undefined when there are none. */
export function environmentCredentials(env: Readonly<Record<string, string | undefined>>): Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID || env.AWS_ACCESS_KEY
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY || env.AWS_SECRET_KEY
  if (!accessKeyId || !secretAccessKey) return undefined
  const sessionToken = env.AWS_SESSION_TOKEN || env.AWS_SECURITY_TOKEN
  const expiration = env.AWS_CREDENTIAL_EXPIRATION || env.AWS_SESSION_EXPIRATION
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? {sessionToken} : {}),
    ...(expiration && !Number.isNaN(Date.parse(expiration)) ? {expiration: new Date(expiration)} : {}),
  }
}
