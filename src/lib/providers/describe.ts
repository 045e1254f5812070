/**
 * What `vault describe` shows: the resolved profile with where each value came from, and the
 * credential chain step by step with the cached sessions that would be reused and for how long.
 * Makes no STS call and prompts for nothing.
 */
import type {ResolvedProfile} from '../plugin-api/index.ts'

import type {SessionStore} from '../keyring/session-store.ts'
import {formatDuration} from '../output/duration.ts'
import {resolveStsTarget, stsEndpointUrl} from '../sts/target.ts'
import type {ChainPlan, ChainStep, SessionSlot} from './plan.ts'

/** The origins a resolved profile carries (config's ResolvedProfileWithOrigins, kept structural here). */
export interface ProfileWithOrigins extends ResolvedProfile {
  sourceProfile?: ProfileWithOrigins
  hasSection?: boolean
  origins?: Partial<Record<string, string>>
  originDetails?: Partial<Record<string, string>>
}

export interface DescribedValue {
  value: unknown
  origin: string
  from?: string
}

export interface DescribedProfile {
  profile: string
  has_section: boolean
  config: Record<string, DescribedValue>
  /** Other keys of the profile's sections, values of secret-looking ones hidden. */
  other_keys: Record<string, string>
}

export interface DescribedSession {
  type: string
  profile: string
  mfa_serial: string
  cached: boolean
  expiration?: string
  remaining_seconds?: number
  /** Live and with more than AWS_MIN_TTL left: the chain would use it. */
  reusable: boolean
}

export type StepOutcome = 'reuse-cached-session' | 'call' | 'read-stored-keys' | 'missing' | 'not-needed'

export interface DescribedStep {
  step: number
  action: 'stored_credentials' | 'missing' | 'source' | 'GetSessionToken' | 'AssumeRole'
  profile: string
  outcome: StepOutcome
  /** What happens, in a sentence. */
  summary: string
  role_arn?: string
  source?: string
  mfa?: 'code' | 'chained' | 'none'
  mfa_serial?: string
  duration_seconds?: number
  requested_duration_seconds?: number
  region?: string
  sts_endpoint?: string
  role_session_name?: string
  external_id?: boolean
  session?: DescribedSession
}

export interface ChainDescription {
  profile: DescribedProfile
  source_profiles: DescribedProfile[]
  chain: DescribedStep[]
  notes: string[]
  min_ttl_seconds: number
  /** MFA codes the chain would ask for now, by device. */
  mfa_prompts: string[]
  /** Profiles whose long-term keys the chain needs and the store does not have, with the command that adds them. */
  missing_credentials: Array<{profile: string; fix: string}>
}

/** aws-vault's config key names for the resolved fields; durations without a key get descriptive names. */
const keyNames: ReadonlyArray<readonly [string, string]> = [
  ['region', 'region'],
  ['stsRegionalEndpoints', 'sts_regional_endpoints'],
  ['mfaSerial', 'mfa_serial'],
  ['mfaProcess', 'mfa_process'],
  ['roleArn', 'role_arn'],
  ['roleSessionName', 'role_session_name'],
  ['externalId', 'external_id'],
  ['sourceProfileName', 'source_profile'],
  ['webIdentityTokenFile', 'web_identity_token_file'],
  ['webIdentityTokenProcess', 'web_identity_token_process'],
  ['credentialProcess', 'credential_process'],
  ['ssoSession', 'sso_session'],
  ['ssoStartUrl', 'sso_start_url'],
  ['ssoRegion', 'sso_region'],
  ['ssoAccountId', 'sso_account_id'],
  ['ssoRoleName', 'sso_role_name'],
  ['ssoRegistrationScopes', 'sso_registration_scopes'],
  ['sessionTags', 'session_tags'],
  ['transitiveSessionTags', 'transitive_session_tags'],
  ['sourceIdentity', 'source_identity'],
  ['endpointUrl', 'endpoint_url'],
  ['assumeRoleDuration', 'duration_seconds'],
  ['nonChainedGetSessionTokenDuration', 'session_token_duration_seconds'],
  ['chainedGetSessionTokenDuration', 'chained_session_token_duration_seconds'],
  ['getFederationTokenDuration', 'federation_token_duration_seconds'],
]

const representedKeys = new Set([...keyNames.map(([, key]) => key), 'include_profile', 'duration_seconds'])
const SECRET_LOOKING = /secret|token|password|passphrase|credential|key_id|session/i

export function describeProfile(profile: ProfileWithOrigins): DescribedProfile {
  const config: Record<string, DescribedValue> = {}
  const fields = profile as unknown as Record<string, unknown>
  for (const [field, key] of keyNames) {
    const value = fields[field]
    if (value === undefined) continue
    if (Array.isArray(value) && value.length === 0) continue
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) continue
    const origin = profile.origins?.[field] ?? 'builtin'
    const from = profile.originDetails?.[field]
    config[key] = {origin, value, ...(from ? {from} : {})}
  }
  const other: Record<string, string> = {}
  for (const [key, value] of Object.entries(profile.raw)) {
    if (representedKeys.has(key)) continue
    other[key] = SECRET_LOOKING.test(key) ? '[hidden]' : value
  }
  return {config, has_section: profile.hasSection ?? true, other_keys: other, profile: profile.name}
}

export interface DescribeDeps {
  sessions: SessionStore
  env: Readonly<Record<string, string | undefined>>
  minTtlSeconds: number
  now(): Date
}

export async function describeChain(profile: ProfileWithOrigins, plan: ChainPlan, deps: DescribeDeps): Promise<ChainDescription> {
  const sources: DescribedProfile[] = []
  for (let source = profile.sourceProfile; source; source = source.sourceProfile) sources.push(describeProfile(source))

  const described: DescribedStep[] = []
  for (const [index, step] of plan.steps.entries()) described.push(await describeStep(index + 1, step, deps))

  // From the top down: the first step that can answer from its cache makes every step below it unnecessary.
  let needed = true
  const prompts: string[] = []
  for (const step of [...described].reverse()) {
    if (!needed) {
      step.outcome = 'not-needed'
      step.summary = `not needed: ${step.summary.charAt(0).toLowerCase()}${step.summary.slice(1)}`
      continue
    }
    if (step.session?.reusable) {
      step.outcome = 'reuse-cached-session'
      step.summary = `reuses the cached ${step.session.type} session (${formatDuration(step.session.remaining_seconds ?? 0)} left)`
      needed = false
      continue
    }
    if (step.mfa === 'code' && step.mfa_serial) prompts.push(step.mfa_serial)
  }
  const notes = [...plan.notes]
  for (const step of plan.steps) {
    if ((step.kind === 'get-session-token' || step.kind === 'assume-role') && resolveStsTarget(step.profile, deps.env).regionDefaulted) {
      notes.push(`profile ${step.profile.name} has no region: its STS calls go to us-east-1`)
    }
  }
  const missing = plan.steps
    .filter((step) => step.kind === 'missing-credentials')
    .map((step) => ({fix: `vault add ${step.profile.name}`, profile: step.profile.name}))
  return {
    chain: described,
    mfa_prompts: prompts.reverse(),
    missing_credentials: missing,
    min_ttl_seconds: deps.minTtlSeconds,
    notes,
    profile: describeProfile(profile),
    source_profiles: sources,
  }
}

async function describeStep(number: number, step: ChainStep, deps: DescribeDeps): Promise<DescribedStep> {
  const profile = step.profile.name
  switch (step.kind) {
    case 'missing-credentials':
      return {
        action: 'missing',
        outcome: 'missing',
        profile,
        step: number,
        summary: `MISSING: no long-term keys stored for ${profile}; add them with \`vault add ${profile}\``,
      }
    case 'stored-credentials':
      return {
        action: 'stored_credentials',
        outcome: 'read-stored-keys',
        profile,
        step: number,
        summary: `reads the long-term keys stored for ${profile}`,
      }
    case 'source': {
      const session = step.session ? await describeSession(step.session, deps) : undefined
      return {
        action: 'source',
        outcome: 'call',
        profile,
        source: step.sourceId,
        step: number,
        summary: `gets credentials from the ${step.sourceId} source${session ? ' and caches them' : ''}`,
        ...(session ? {session} : {}),
      }
    }
    case 'get-session-token': {
      const {region, sts_endpoint} = endpoint(step.profile, deps)
      const mfa = step.mfaSerial ? `, asking for the MFA code of ${step.mfaSerial}` : ''
      return {
        action: 'GetSessionToken',
        duration_seconds: step.durationSeconds,
        mfa: step.mfaSerial ? 'code' : 'none',
        outcome: 'call',
        profile,
        region,
        session: await describeSession(step.session, deps),
        step: number,
        sts_endpoint,
        summary: `calls GetSessionToken for ${formatDuration(step.durationSeconds)}${mfa}`,
        ...(step.mfaSerial ? {mfa_serial: step.mfaSerial} : {}),
      }
    }
    case 'assume-role': {
      const {region, sts_endpoint} = endpoint(step.profile, deps)
      const mfa = step.mfaSerial ? 'code' : step.mfaChained ? 'chained' : 'none'
      const mfaText =
        mfa === 'code' ? `, asking for the MFA code of ${step.mfaSerial}` : mfa === 'chained' ? ', MFA proven by the session below' : ''
      const capped =
        step.durationSeconds < step.requestedDurationSeconds
          ? ` (capped from ${formatDuration(step.requestedDurationSeconds)}: role chaining)`
          : ''
      const serial = step.mfaSerial ?? (step.mfaChained ? step.profile.mfaSerial : undefined)
      return {
        action: 'AssumeRole',
        duration_seconds: step.durationSeconds,
        external_id: Boolean(step.profile.externalId),
        mfa,
        outcome: 'call',
        profile,
        region,
        role_arn: step.roleArn,
        role_session_name: step.profile.roleSessionName ?? '(time in nanoseconds)',
        session: await describeSession(step.session, deps),
        step: number,
        sts_endpoint,
        summary: `calls AssumeRole ${step.roleArn} for ${formatDuration(step.durationSeconds)}${capped}${mfaText}`,
        ...(serial ? {mfa_serial: serial} : {}),
        ...(step.durationSeconds < step.requestedDurationSeconds ? {requested_duration_seconds: step.requestedDurationSeconds} : {}),
      }
    }
  }
}

function endpoint(profile: ResolvedProfile, deps: DescribeDeps): {region: string; sts_endpoint: string} {
  const {target} = resolveStsTarget(profile, deps.env)
  return {region: target.region, sts_endpoint: stsEndpointUrl(target)}
}

async function describeSession(slot: SessionSlot, deps: DescribeDeps): Promise<DescribedSession> {
  const now = deps.now()
  const live = (await deps.sessions.list())
    .filter((s) => s.type === slot.type && s.profileName === slot.profileName && s.mfaSerial === slot.mfaSerial && s.expiration > now)
    .sort((a, b) => b.expiration.getTime() - a.expiration.getTime())[0]
  const base = {mfa_serial: slot.mfaSerial, profile: slot.profileName, type: slot.type}
  if (!live) return {...base, cached: false, reusable: false}
  const remaining = Math.floor((live.expiration.getTime() - now.getTime()) / 1000)
  return {
    ...base,
    cached: true,
    expiration: live.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    remaining_seconds: remaining,
    reusable: remaining > deps.minTtlSeconds,
  }
}
