import type {Credentials, CredentialProvider, MfaPrompt, ResolvedProfile} from '../plugin-api/index.ts'

import type {CredentialStore} from '../keyring/credential-store.ts'
import type {SessionStore} from '../keyring/session-store.ts'
import type {Logger} from '../log.ts'
import type {StsTarget} from '../sts/index.ts'

import {fromStoredCredentials, missingCredentials} from './stored-credentials.ts'

export interface ChainDeps {
  credentials: CredentialStore
  sessions: SessionStore
  env: Readonly<Record<string, string | undefined>>
  mfa: MfaPrompt
  log: Logger
  /** Cached sessions with less than this many seconds left are not reused. */
  minTtlSeconds: number
  now(): Date
}

export interface ChainOptions {
  noSession: boolean
}

/** AWS limits a role assumed with role-chained credentials to one hour. */
const roleChainingMaximumSeconds = 3600
const defaultStsRegion = 'us-east-1'

export function stsTarget(profile: ResolvedProfile, env: ChainDeps['env'], log: Logger): StsTarget {
  let region = profile.region
  if (!region) {
    log(`profile ${profile.name}: no region set, using ${defaultStsRegion} for STS`)
    region = defaultStsRegion
  }
  const endpoint = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || profile.endpointUrl
  return {region, ...(endpoint ? {endpoint} : {})}
}

function memoize(provider: CredentialProvider): CredentialProvider {
  let pending: Promise<Credentials> | undefined
  return () => {
    pending ??= provider().catch((error: unknown) => {
      pending = undefined
      throw error
    })
    return pending
  }
}

/** Reuses a live cached session of this kind, or makes one and stores it. */
function cachedSession(
  deps: ChainDeps,
  type: string,
  profileName: string,
  mfaSerial: string,
  create: () => Promise<Credentials>,
): CredentialProvider {
  return async () => {
    const freshUntil = new Date(deps.now().getTime() + deps.minTtlSeconds * 1000)
    const cached = await deps.sessions.find(type, profileName, mfaSerial, freshUntil)
    if (cached) {
      deps.log(`profile ${profileName}: reusing cached ${type} session`)
      return cached
    }
    const credentials = await create()
    await deps.sessions.save(type, profileName, mfaSerial, credentials)
    return credentials
  }
}

function sessionTokenProvider(profile: ResolvedProfile, source: CredentialProvider, mfaSerial: string, chained: boolean, deps: ChainDeps): CredentialProvider {
  const duration = chained ? profile.chainedGetSessionTokenDuration : profile.nonChainedGetSessionTokenDuration
  return cachedSession(deps, 'sts.GetSessionToken', profile.name, mfaSerial, async () => {
    const {getSessionToken} = await import('../sts/index.ts')
    const tokenCode = mfaSerial ? await deps.mfa(mfaSerial) : undefined
    deps.log(`profile ${profile.name}: GetSessionToken${mfaSerial ? ' with MFA' : ''} for ${duration}s`)
    return getSessionToken(await source(), stsTarget(profile, deps.env, deps.log), {
      durationSeconds: duration,
      ...(mfaSerial ? {mfaSerial, tokenCode} : {}),
    })
  })
}

function roleSessionName(profile: ResolvedProfile, now: Date): string {
  return profile.roleSessionName || `${Math.floor(now.getTime() / 1000)}${String(now.getMilliseconds()).padStart(3, '0')}000000`
}

function assumeRoleProvider(profile: ResolvedProfile, source: CredentialProvider, mfaSerial: string, deps: ChainDeps): CredentialProvider {
  const roleArn = profile.roleArn as string
  return cachedSession(deps, 'sts.AssumeRole', profile.name, mfaSerial, async () => {
    const {assumeRole} = await import('../sts/index.ts')
    const tokenCode = mfaSerial ? await deps.mfa(mfaSerial) : undefined
    deps.log(`profile ${profile.name}: AssumeRole ${roleArn}${mfaSerial ? ' with MFA' : ''} for ${profile.assumeRoleDuration}s`)
    return assumeRole(await source(), stsTarget(profile, deps.env, deps.log), {
      durationSeconds: profile.assumeRoleDuration,
      roleArn,
      roleSessionName: roleSessionName(profile, deps.now()),
      sessionTags: profile.sessionTags,
      transitiveTagKeys: profile.transitiveSessionTags,
      ...(profile.externalId ? {externalId: profile.externalId} : {}),
      ...(profile.sourceIdentity ? {sourceIdentity: profile.sourceIdentity} : {}),
      ...(mfaSerial ? {mfaSerial, tokenCode} : {}),
    })
  })
}

/**
 * The provider for a profile, as aws-vault v7 composes it: stored keys beat source_profile;
 * GetSessionToken (with the MFA of the profile being served) wraps stored keys unless sessions
 * are off or the role asks for more than the one hour a chained role may have; role_arn adds AssumeRole.
 * `servedMfa` is the mfa_serial of the profile that started the chain, so one MFA session serves every
 * profile sharing the source and serial.
 */
export async function credentialProvider(
  profile: ResolvedProfile,
  deps: ChainDeps,
  options: ChainOptions,
  servedBy?: ResolvedProfile,
): Promise<CredentialProvider> {
  const mfaSerial = profile.mfaSerial ?? servedBy?.mfaSerial ?? ''
  let source: CredentialProvider
  let mfaSatisfied = false
  if (await deps.credentials.has(profile.name)) {
    source = fromStoredCredentials(deps.credentials, profile.name)
    const roleDuration = profile.roleArn ? profile.assumeRoleDuration : (servedBy?.assumeRoleDuration ?? 0)
    const chained = Boolean(profile.roleArn || servedBy)
    const useSession = !options.noSession && !(chained && roleDuration > roleChainingMaximumSeconds)
    if (useSession) {
      source = sessionTokenProvider(profile, source, mfaSerial, chained, deps)
      mfaSatisfied = mfaSerial !== ''
    } else if (!profile.roleArn) {
      deps.log(`profile ${profile.name}: using stored credentials without a session`)
    }
  } else if (profile.sourceProfile && profile.sourceProfile !== profile && profile.sourceProfileName !== profile.name) {
    deps.log(`profile ${profile.name}: sourcing credentials from profile ${profile.sourceProfile.name}`)
    source = await credentialProvider(profile.sourceProfile, deps, options, servedBy ?? profile)
    mfaSatisfied = Boolean(mfaSerial)
  } else {
    throw missingCredentials(profile.name)
  }
  if (!profile.roleArn) return memoize(source)
  // MFA already proven by the session does not need to be proven again for the role.
  return memoize(assumeRoleProvider(profile, source, mfaSatisfied && !options.noSession ? '' : (profile.mfaSerial ?? ''), deps))
}
