import {VaultError} from '../errors.ts'
import type {ResolvedProfile} from '../plugin-api/index.ts'
import {durationFromEnv} from './duration.ts'
import type {AwsConfigFile} from './file.ts'
import {type ConfigSection, profileHeader} from './section.ts'
import {parseSessionTags, parseTransitiveTags} from './tags.ts'

/** Where a resolved value came from, for `vault describe`. */
export type Origin = 'flag' | 'env' | 'profile' | 'include_profile' | 'default' | 'sso-session' | 'builtin'

type Fields = Omit<ResolvedProfile, 'name' | 'sourceProfile' | 'raw'>
export type ResolvedKey = keyof Fields
type DurationKey =
  | 'assumeRoleDuration'
  | 'nonChainedGetSessionTokenDuration'
  | 'chainedGetSessionTokenDuration'
  | 'getFederationTokenDuration'
type StringKey = {[K in ResolvedKey]: Fields[K] extends string | undefined ? K : never}[ResolvedKey]

/** Command-line values; like aws-vault's base config they apply to every profile of a source_profile chain. */
export interface ProfileFlags {
  region?: string
  /** Seconds. */
  assumeRoleDuration?: number
  nonChainedGetSessionTokenDuration?: number
  chainedGetSessionTokenDuration?: number
  getFederationTokenDuration?: number
}

export interface ResolveOptions {
  env: Readonly<Record<string, string | undefined>>
  flags?: ProfileFlags
  /**
   * Throw PROFILE_NOT_FOUND when the profile has no section. Off by default: aws-vault
   * accepts a profile that exists only as stored credentials.
   */
  requireSection?: boolean
}

export interface ResolvedProfileWithOrigins extends ResolvedProfile {
  sourceProfile?: ResolvedProfileWithOrigins
  /** Whether the config file has a section for this profile. */
  hasSection: boolean
  origins: Partial<Record<ResolvedKey, Origin>>
  /** What exactly: `--region`, `AWS_REGION`, `[profile base] line 4`, `default`. */
  originDetails: Partial<Record<ResolvedKey, string>>
}

/** Seconds, as aws-vault's defaults: one hour, except eight for GetSessionToken when chaining. */
export const DEFAULT_DURATIONS: Readonly<Record<DurationKey, number>> = {
  assumeRoleDuration: 3600,
  chainedGetSessionTokenDuration: 8 * 3600,
  getFederationTokenDuration: 3600,
  nonChainedGetSessionTokenDuration: 3600,
}

const SECTION_STRINGS: ReadonlyArray<readonly [string, StringKey]> = [
  ['region', 'region'],
  ['sts_regional_endpoints', 'stsRegionalEndpoints'],
  ['mfa_serial', 'mfaSerial'],
  ['mfa_process', 'mfaProcess'],
  ['role_arn', 'roleArn'],
  ['role_session_name', 'roleSessionName'],
  ['external_id', 'externalId'],
  ['source_profile', 'sourceProfileName'],
  ['web_identity_token_file', 'webIdentityTokenFile'],
  ['web_identity_token_process', 'webIdentityTokenProcess'],
  ['credential_process', 'credentialProcess'],
  ['sso_start_url', 'ssoStartUrl'],
  ['sso_region', 'ssoRegion'],
  ['sso_account_id', 'ssoAccountId'],
  ['sso_role_name', 'ssoRoleName'],
  ['source_identity', 'sourceIdentity'],
  ['endpoint_url', 'endpointUrl'],
]

/** What an `[sso-session]` section fills in; sso_registration_scopes is read from there only. */
const SSO_SESSION_STRINGS: ReadonlyArray<readonly [string, StringKey]> = [
  ['sso_start_url', 'ssoStartUrl'],
  ['sso_region', 'ssoRegion'],
  ['sso_registration_scopes', 'ssoRegistrationScopes'],
]

// AWS_REGION is read before AWS_DEFAULT_REGION, so it wins.
const ENV_STRINGS: ReadonlyArray<readonly [string, StringKey]> = [
  ['AWS_REGION', 'region'],
  ['AWS_DEFAULT_REGION', 'region'],
  ['AWS_STS_REGIONAL_ENDPOINTS', 'stsRegionalEndpoints'],
  ['AWS_MFA_SERIAL', 'mfaSerial'],
]

/** aws-vault applies these to the profile being asked for only, never to its source profiles. */
const ACTIVE_ENV_STRINGS: ReadonlyArray<readonly [string, StringKey]> = [
  ['AWS_ROLE_ARN', 'roleArn'],
  ['AWS_ROLE_SESSION_NAME', 'roleSessionName'],
  ['AWS_SOURCE_IDENTITY', 'sourceIdentity'],
]

const ENV_DURATIONS: ReadonlyArray<readonly [string, DurationKey]> = [
  ['AWS_ASSUME_ROLE_TTL', 'assumeRoleDuration'],
  ['AWS_SESSION_TOKEN_TTL', 'nonChainedGetSessionTokenDuration'],
  ['AWS_CHAINED_SESSION_TOKEN_TTL', 'chainedGetSessionTokenDuration'],
  ['AWS_FEDERATION_TOKEN_TTL', 'getFederationTokenDuration'],
]

const FLAG_NAMES: Readonly<Record<keyof ProfileFlags, string>> = {
  assumeRoleDuration: '--duration',
  chainedGetSessionTokenDuration: '--duration',
  getFederationTokenDuration: '--duration',
  nonChainedGetSessionTokenDuration: '--duration',
  region: '--region',
}

/**
 * Resolves a profile as aws-vault v7 does: flags, then the environment, then the profile's
 * section, then what it includes (`include_profile`, or `[default]` when it includes nothing),
 * then built-in durations; a `source_profile` is resolved the same way into `sourceProfile`.
 * Each step only fills what the steps before left empty.
 */
export function resolveProfile(file: AwsConfigFile, name: string, options: ResolveOptions): ResolvedProfileWithOrigins {
  if (options.requireSection && !file.hasProfile(name)) throw profileNotFound(file, name)
  return new Resolver(file, options, name).resolve(name, [])
}

/** A resolved profile being assembled: the first value set for a field stays. */
class Draft {
  readonly fields: Partial<Fields> = {}
  readonly origins: Partial<Record<ResolvedKey, Origin>> = {}
  readonly details: Partial<Record<ResolvedKey, string>> = {}
  readonly raw = new Map<string, string>()

  has(key: ResolvedKey): boolean {
    return this.fields[key] !== undefined
  }

  fill<K extends ResolvedKey>(key: K, value: Fields[K] | undefined, origin: Origin, detail: string): void {
    if (value === undefined || value === '' || this.has(key)) return
    this.put(key, value, origin, detail)
  }

  put<K extends ResolvedKey>(key: K, value: Fields[K] | undefined, origin: Origin, detail: string): void {
    if (value === undefined) {
      delete this.fields[key]
      delete this.origins[key]
      delete this.details[key]
      return
    }
    this.fields[key] = value
    this.origins[key] = origin
    this.details[key] = detail
  }
}

interface Visit {
  name: string
  origin: Origin
  /** The section whose include_profile led here. */
  includedBy?: ConfigSection
}

class Resolver {
  private readonly file: AwsConfigFile
  private readonly env: Readonly<Record<string, string | undefined>>
  private readonly flags: ProfileFlags
  private readonly activeProfile: string

  constructor(file: AwsConfigFile, options: ResolveOptions, activeProfile: string) {
    this.file = file
    this.env = options.env
    this.flags = options.flags ?? {}
    this.activeProfile = activeProfile
  }

  resolve(name: string, sourceChain: string[]): ResolvedProfileWithOrigins {
    const seen = sourceChain.indexOf(name)
    if (seen !== -1) throw profileLoop(this.file, 'source_profile', [...sourceChain.slice(seen), name])
    if (sourceChain.length >= MAX_CHAIN_LENGTH) throw chainTooLong(this.file, 'source_profile', [...sourceChain, name])

    const draft = new Draft()
    this.applyFlags(draft)
    this.applyEnv(draft, name === this.activeProfile)
    this.applySections(draft, name)
    // aws-vault ignores a source_profile naming the profile itself (its keys are its own).
    if (draft.fields.sourceProfileName === name) draft.put('sourceProfileName', undefined, 'profile', '')
    for (const [key, seconds] of Object.entries(DEFAULT_DURATIONS) as Array<[DurationKey, number]>) {
      draft.fill(key, seconds, 'builtin', 'built-in default')
    }

    const profile = this.build(name, draft)
    const sourceName = draft.fields.sourceProfileName
    if (sourceName !== undefined) profile.sourceProfile = this.resolve(sourceName, [...sourceChain, name])
    return profile
  }

  private applyFlags(draft: Draft): void {
    const {region, ...durations} = this.flags
    draft.fill('region', region, 'flag', FLAG_NAMES.region)
    for (const [key, seconds] of Object.entries(durations) as Array<[DurationKey, number | undefined]>) {
      if (seconds === undefined) continue
      if (!Number.isSafeInteger(seconds) || seconds < 0) {
        throw new VaultError('USAGE', `${FLAG_NAMES[key]} must be a whole number of seconds, not ${seconds}`)
      }
      if (seconds > 0) draft.fill(key, seconds, 'flag', FLAG_NAMES[key])
    }
  }

  private applyEnv(draft: Draft, active: boolean): void {
    const strings = active ? [...ENV_STRINGS, ...ACTIVE_ENV_STRINGS] : ENV_STRINGS
    for (const [variable, key] of strings) draft.fill(key, this.env[variable], 'env', variable)
    for (const [variable, key] of ENV_DURATIONS) {
      if (this.env[variable]) draft.fill(key, durationFromEnv(this.env, variable), 'env', variable)
    }
    if (!active) return
    const tags = this.env.AWS_SESSION_TAGS
    if (tags)
      draft.fill(
        'sessionTags',
        parseTags(tags, () => `AWS_SESSION_TAGS=${tags}`),
        'env',
        'AWS_SESSION_TAGS',
      )
    const transitive = parseTransitiveTags(this.env.AWS_TRANSITIVE_TAGS ?? '')
    if (transitive.length > 0) draft.fill('transitiveSessionTags', transitive, 'env', 'AWS_TRANSITIVE_TAGS')
  }

  /** The profile's section, then include_profile sections, ending with `[default]`. */
  private applySections(draft: Draft, name: string): void {
    const visited: string[] = []
    let visit: Visit | undefined = {name, origin: 'profile'}
    while (visit) {
      const seen = visited.indexOf(visit.name)
      if (seen !== -1) throw profileLoop(this.file, 'include_profile', [...visited.slice(seen), visit.name])
      if (visited.length >= MAX_CHAIN_LENGTH) throw chainTooLong(this.file, 'include_profile', [...visited, visit.name])
      visited.push(visit.name)

      const section = this.file.section(visit.name)
      if (section) this.applySection(draft, section, visit.origin)
      else if (visit.includedBy) throw this.danglingReference(visit.includedBy, 'include_profile', `[${profileHeader(visit.name)}]`)

      const include = section?.get('include_profile')
      if (include !== undefined) visit = {includedBy: section, name: include, origin: 'include_profile'}
      else if (visit.name !== 'default') visit = {name: 'default', origin: 'default'}
      else visit = undefined
    }
  }

  private applySection(draft: Draft, section: ConfigSection, origin: Origin): void {
    const where = (key: string) => `${section.label} line ${section.lineOf(key) ?? section.line}`
    for (const key of section.keys()) {
      const value = section.get(key)
      if (value !== undefined && !draft.raw.has(key)) draft.raw.set(key, value)
    }

    const seconds = section.get('duration_seconds')
    if (seconds !== undefined) {
      if (!/^\d+$/.test(seconds)) {
        throw new VaultError(
          'CONFIG_INVALID',
          `duration_seconds = ${seconds} in ${section.label} (${this.file.where(section.lineOf('duration_seconds'))}) is not a whole number of seconds`,
          {
            suggestions: ['write duration_seconds as a number of seconds, e.g. duration_seconds = 3600'],
          },
        )
      }
      if (Number(seconds) > 0) draft.fill('assumeRoleDuration', Number(seconds), origin, where('duration_seconds'))
    }

    // As in aws-vault, the first sso_session found replaces the start URL, region and scopes
    // with its [sso-session] values, before this section's own sso_start_url/sso_region apply.
    const ssoSession = section.get('sso_session')
    if (ssoSession !== undefined && !draft.has('ssoSession')) {
      draft.fill('ssoSession', ssoSession, origin, where('sso_session'))
      const session = this.file.ssoSession(ssoSession)
      if (!session) throw this.danglingReference(section, 'sso_session', `[sso-session ${ssoSession}]`)
      for (const [key, field] of SSO_SESSION_STRINGS) {
        draft.put(field, session.get(key), 'sso-session', `${session.label} line ${session.lineOf(key) ?? session.line}`)
      }
    }

    for (const [key, field] of SECTION_STRINGS) draft.fill(field, section.get(key), origin, where(key))

    const tags = section.get('session_tags')
    if (tags !== undefined) {
      const parsed = parseTags(tags, () => `session_tags in ${section.label} (${this.file.where(section.lineOf('session_tags'))})`)
      draft.fill('sessionTags', parsed, origin, where('session_tags'))
    }
    const transitive = parseTransitiveTags(section.get('transitive_session_tags') ?? '')
    if (transitive.length > 0) draft.fill('transitiveSessionTags', transitive, origin, where('transitive_session_tags'))
  }

  private build(name: string, draft: Draft): ResolvedProfileWithOrigins {
    const fields = draft.fields
    return {
      ...fields,
      assumeRoleDuration: fields.assumeRoleDuration ?? DEFAULT_DURATIONS.assumeRoleDuration,
      chainedGetSessionTokenDuration: fields.chainedGetSessionTokenDuration ?? DEFAULT_DURATIONS.chainedGetSessionTokenDuration,
      getFederationTokenDuration: fields.getFederationTokenDuration ?? DEFAULT_DURATIONS.getFederationTokenDuration,
      hasSection: this.file.hasProfile(name),
      name,
      nonChainedGetSessionTokenDuration: fields.nonChainedGetSessionTokenDuration ?? DEFAULT_DURATIONS.nonChainedGetSessionTokenDuration,
      originDetails: draft.details,
      origins: draft.origins,
      raw: Object.fromEntries(draft.raw),
      sessionTags: fields.sessionTags ?? {},
      transitiveSessionTags: fields.transitiveSessionTags ?? [],
    }
  }

  private danglingReference(section: ConfigSection, key: string, target: string): VaultError {
    const value = section.get(key) ?? ''
    return new VaultError(
      'CONFIG_INVALID',
      `${key} = ${value} in ${section.label} (${this.file.where(section.lineOf(key))}) refers to ${target}, which is not in the file`,
      {
        suggestions: [`add a ${target} section to ${this.file.path}, or correct the ${key} setting`],
      },
    )
  }
}

function parseTags(text: string, describe: () => string): Record<string, string> {
  try {
    return parseSessionTags(text)
  } catch (error) {
    throw new VaultError('CONFIG_INVALID', `${describe()}: ${(error as Error).message}`, {
      suggestions: ['write session tags as key1=value1,key2=value2'],
    })
  }
}

/**
 * Far beyond any real chain of roles or includes; a config built to go deeper would otherwise
 * exhaust the stack (source_profile) or take minutes (include_profile).
 */
const MAX_CHAIN_LENGTH = 64

function chainTooLong(file: AwsConfigFile, key: string, chain: string[]): VaultError {
  return new VaultError(
    'CONFIG_INVALID',
    `${key} chain in ${file.path} goes deeper than ${MAX_CHAIN_LENGTH} profiles: ${chain.slice(0, 3).join(' → ')} → … → ${chain.at(-1)}`,
    {
      suggestions: [`shorten the chain of ${key} settings that starts at "${chain[0]}"`],
    },
  )
}

function profileLoop(file: AwsConfigFile, key: string, cycle: string[]): VaultError {
  return new VaultError('PROFILE_LOOP', `${key} loop in ${file.path}: ${cycle.join(' → ')}`, {
    suggestions: [`remove one of the ${key} settings of ${[...new Set(cycle)].map((name) => `"${name}"`).join(', ')}`],
  })
}

function profileNotFound(file: AwsConfigFile, name: string): VaultError {
  const suggestions: string[] = []
  const near = file.profileNames().find((known) => known.toLowerCase() === name.toLowerCase())
  if (near !== undefined) suggestions.push(`profile names are case-sensitive: did you mean "${near}"?`)
  suggestions.push('run `vault list --profiles` to see the profiles', `add one with \`vault add ${name}\``)
  const where = file.exists ? file.path : `${file.path} (which does not exist)`
  return new VaultError('PROFILE_NOT_FOUND', `profile "${name}" is not in ${where}`, {suggestions})
}
