/**
 * Runs a chain plan: each step is a small provider wrapping the one below it, cached where
 * the step says so. Nothing below a live cached session is touched: no keyring read of the
 * stored keys, no STS call, no MFA prompt.
 */
import type {CredentialProvider, CredentialSourceDescriptor, Credentials, ResolvedProfile, SourceDeps} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import type {CredentialStore} from '../keyring/credential-store.ts'
import type {SessionStore} from '../keyring/session-store.ts'
import type {Logger} from '../log.ts'
import {resolveStsTarget, type StsTarget} from '../sts/target.ts'
import {cachedSession, type LockRunner} from './cached-session.ts'
import type {MfaCodes} from './mfa.ts'
import {planChain, type AssumeRoleStep, type ChainPlan, type ChainStep, type GetSessionTokenStep, type SourceStep} from './plan.ts'
import {fromStoredCredentials, missingCredentials} from './stored-credentials.ts'
import {shareUntilFailure} from '../share-until-failure.ts'

export interface ChainDeps {
  credentials: CredentialStore
  sessions: SessionStore
  env: Readonly<Record<string, string | undefined>>
  mfa: MfaCodes
  /** Debug lines (shown with --debug). */
  log: Logger
  /** Lines the user should see on stderr whatever the flags, e.g. the region fallback. */
  notice: Logger
  /** Cached sessions with less than this many seconds left are not reused. */
  minTtlSeconds: number
  now(): Date
  lock: LockRunner
  /** The `vault:sources` descriptors, highest priority first. */
  sources: readonly CredentialSourceDescriptor[]
  /** What a source's provider gets. */
  sourceDeps: SourceDeps
}

export interface ChainOptions {
  noSession: boolean
}

export type {ChainPlan, ChainStep} from './plan.ts'

/** The plan for a profile: which steps, from which stored keys or source. */
export async function chainPlan(
  profile: ResolvedProfile,
  deps: Pick<ChainDeps, 'credentials' | 'sources'>,
  options: ChainOptions & {markMissing?: boolean},
): Promise<ChainPlan> {
  const stored = new Set(await deps.credentials.keys())
  return planChain(profile, {
    hasStoredCredentials: (name) => stored.has(name),
    markMissing: options.markMissing ?? false,
    noSession: options.noSession,
    sourceFor: (candidate) => deps.sources.find((source) => safeMatches(source, candidate)),
  })
}

/** The provider for a profile, as aws-vault v7 composes it (see plan.ts for the decisions). */
export async function credentialProvider(profile: ResolvedProfile, deps: ChainDeps, options: ChainOptions): Promise<CredentialProvider> {
  const plan = await chainPlan(profile, deps, options)
  for (const note of plan.notes) deps.log(note)
  return providerFromPlan(plan, deps)
}

export function providerFromPlan(plan: ChainPlan, deps: ChainDeps): CredentialProvider {
  const context = new StepContext(deps)
  let provider: CredentialProvider | undefined
  let below: ChainStep | undefined
  for (const step of plan.steps) {
    provider = memoize(context.provider(step, provider, below))
    below = step
  }
  if (!provider) throw new Error('empty credential chain')
  return provider
}

function safeMatches(source: CredentialSourceDescriptor, profile: ResolvedProfile): boolean {
  try {
    return source.matches(profile)
  } catch {
    return false
  }
}

function memoize(provider: CredentialProvider): CredentialProvider {
  return shareUntilFailure(provider)
}

/** AWS's own default role session name in aws-vault: the time in nanoseconds. */
export function defaultRoleSessionName(now: Date): string {
  const nanos = String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0')
  return `${now.getTime()}${nanos}`
}

class StepContext {
  private readonly deps: ChainDeps
  private readonly regionNoticeGiven = new Set<string>()

  constructor(deps: ChainDeps) {
    this.deps = deps
  }

  provider(step: ChainStep, source: CredentialProvider | undefined, below: ChainStep | undefined): CredentialProvider {
    switch (step.kind) {
      case 'stored-credentials':
        return fromStoredCredentials(this.deps.credentials, step.profile.name)
      case 'missing-credentials':
        return () => Promise.reject(missingCredentials(step.profile.name))
      case 'source':
        return this.source(step)
      case 'get-session-token':
        return cachedSession(step.session, this.deps, () => this.getSessionToken(step, required(source)))
      case 'assume-role':
        return cachedSession(step.session, this.deps, () =>
          this.assumeRole(step, required(source), below?.profile.name ?? step.profile.name),
        )
    }
  }

  private target(profile: ResolvedProfile): StsTarget {
    const {regionDefaulted, target} = resolveStsTarget(profile, this.deps.env)
    if (regionDefaulted && !this.regionNoticeGiven.has(profile.name)) {
      this.regionNoticeGiven.add(profile.name)
      this.deps.notice(`profile ${profile.name} has no region: using ${target.region} for STS`)
    }
    return target
  }

  private async getSessionToken(step: GetSessionTokenStep, source: CredentialProvider): Promise<Credentials> {
    const sourceCredentials = await source()
    const target = this.target(step.profile)
    this.deps.log(`profile ${step.profile.name}: GetSessionToken${step.mfaSerial ? ' with MFA' : ''} for ${step.durationSeconds}s`)
    const {getSessionToken} = await import('../sts/index.ts')
    return this.withMfa(step.mfaSerial, step.profile, (mfa) =>
      getSessionToken(sourceCredentials, target, {durationSeconds: step.durationSeconds, ...mfa}, {sourceProfileName: step.profile.name}),
    )
  }

  /**
   * Runs an STS call that may carry an MFA code. A code typed at the prompt that AWS refuses
   * (mistyped, or already used in its window) is asked for again, up to three codes in all.
   */
  private async withMfa<T>(
    mfaSerial: string | undefined,
    profile: ResolvedProfile,
    call: (mfa: {mfaSerial?: string; tokenCode?: string}) => Promise<T>,
  ): Promise<T> {
    if (!mfaSerial) return call({})
    for (let attempt = 1; ; attempt++) {
      const {code, origin} = await this.deps.mfa(mfaSerial, profile)
      try {
        return await call({mfaSerial, tokenCode: code})
      } catch (error) {
        if (origin !== 'prompt' || attempt >= MAX_MFA_CODES || !isRefusedMfaCode(error)) throw error
        this.deps.notice(`AWS refused the MFA code for ${mfaSerial}; enter the next code (${MAX_MFA_CODES - attempt} left)`)
      }
    }
  }

  private async assumeRole(step: AssumeRoleStep, source: CredentialProvider, belowProfile: string): Promise<Credentials> {
    const profile = step.profile
    const sourceCredentials = await source()
    const target = this.target(profile)
    const how = step.mfaSerial ? ' with MFA' : step.mfaChained ? ' (MFA proven by the session)' : ''
    this.deps.log(`profile ${profile.name}: AssumeRole ${step.roleArn}${how} for ${step.durationSeconds}s`)
    const {assumeRole} = await import('../sts/index.ts')
    return this.withMfa(step.mfaSerial, profile, (mfa) =>
      assumeRole(
        sourceCredentials,
        target,
        {
          durationSeconds: step.durationSeconds,
          roleArn: step.roleArn,
          roleSessionName: profile.roleSessionName || defaultRoleSessionName(this.deps.now()),
          sessionTags: profile.sessionTags,
          transitiveTagKeys: profile.transitiveSessionTags,
          ...(profile.externalId ? {externalId: profile.externalId} : {}),
          ...(profile.sourceIdentity ? {sourceIdentity: profile.sourceIdentity} : {}),
          ...mfa,
        },
        {sourceProfileName: belowProfile},
      ),
    )
  }

  private source(step: SourceStep): CredentialProvider {
    const descriptor = this.deps.sources.find((source) => source.id === step.sourceId)
    if (!descriptor) throw new Error(`credential source "${step.sourceId}" went away`)
    const created = descriptor.create(step.profile, this.deps.sourceDeps)
    // A plugin's plain error becomes one line naming the source; the host's own errors pass as they are.
    const fetch: CredentialProvider = () =>
      created().catch((error: unknown) => {
        if (error instanceof VaultError) throw error
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
        throw new VaultError(
          'SOURCE_FAILED',
          `credential source "${step.sourceId}" failed for profile "${step.profile.name}": ${message}`,
          {
            cause: error,
            suggestions: [`run again with --debug, and see the documentation of the plugin that provides "${step.sourceId}"`],
          },
        )
      })
    this.deps.log(`profile ${step.profile.name}: using the ${step.sourceId} credential source`)
    return step.session ? cachedSession(step.session, this.deps, fetch) : fetch
  }
}

const MAX_MFA_CODES = 3

/** AWS's answer to a wrong or reused one-time code, as opposed to a wrong device or policy. */
function isRefusedMfaCode(error: unknown): boolean {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
  return cause instanceof Error && /invalid MFA one time pass code/i.test(cause.message)
}

function required(provider: CredentialProvider | undefined): CredentialProvider {
  if (!provider) throw new Error('a chain step has nothing below it')
  return provider
}
