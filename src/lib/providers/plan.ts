/**
 * The credential chain of a profile as a list of steps, decided before any call is made:
 * `vault exec` runs it, `vault describe` shows it. The decisions are aws-vault v7.2's
 * (vault/vault.go: GetProviderForProfile, getSourceCredWithSession, canUseGetSessionToken),
 * with two deliberate differences: a role assumed
 * with temporary credentials is capped to the one hour AWS allows instead of failing, and
 * every role session is cached, not only those obtained with MFA.
 */
import type {CredentialSourceDescriptor, ResolvedProfile} from '../plugin-api/index.ts'

import {missingCredentials} from './stored-credentials.ts'

/** Where a step's result is cached: aws-vault's session key without its expiry. */
export interface SessionSlot {
  type: string
  profileName: string
  mfaSerial: string
}

export interface StoredCredentialsStep {
  kind: 'stored-credentials'
  profile: ResolvedProfile
}

export interface SourceStep {
  kind: 'source'
  profile: ResolvedProfile
  /** The id of the `vault:sources` descriptor that serves the profile. */
  sourceId: string
  /** Set for a source that declares how its results are cached (`cachedSession`). */
  session?: SessionSlot
}

export interface GetSessionTokenStep {
  kind: 'get-session-token'
  profile: ResolvedProfile
  mfaSerial?: string
  durationSeconds: number
  session: SessionSlot
}

export interface AssumeRoleStep {
  kind: 'assume-role'
  profile: ResolvedProfile
  roleArn: string
  /** The device whose code goes with the request; unset when none is needed. */
  mfaSerial?: string
  /** The MFA was proven by the GetSessionToken session this role is assumed with. */
  mfaChained: boolean
  durationSeconds: number
  /** What the profile asked for, when the one-hour chaining rule lowered it. */
  requestedDurationSeconds: number
  /** Assumed with temporary credentials (a session, another role, a source), so AWS allows one hour at most. */
  chained: boolean
  session: SessionSlot
}

/**
 * Long-term keys that should be stored for this profile and are not: planned only when the
 * caller asks to see the whole chain (`vault describe`); running a chain refuses it instead.
 */
export interface MissingCredentialsStep {
  kind: 'missing-credentials'
  profile: ResolvedProfile
}

export type ChainStep = StoredCredentialsStep | MissingCredentialsStep | SourceStep | GetSessionTokenStep | AssumeRoleStep

export interface ChainPlan {
  /** From the credentials at the bottom to the profile asked for. */
  steps: ChainStep[]
  /** Why steps were skipped or changed, as aws-vault's debug log says it. */
  notes: string[]
}

export interface PlanContext {
  hasStoredCredentials(profileName: string): boolean
  /** The first `vault:sources` descriptor that matches, by priority. */
  sourceFor(profile: ResolvedProfile): Pick<CredentialSourceDescriptor, 'id' | 'cachedSession'> | undefined
  noSession: boolean
  /** Plan past missing keys, marking them, instead of refusing the profile (for `vault describe`). */
  markMissing?: boolean
}

/** AWS limits a role assumed with temporary credentials to one hour. */
export const roleChainingMaximumSeconds = 3600

export function planChain(profile: ResolvedProfile, context: PlanContext): ChainPlan {
  const planner = new Planner(context)
  planner.visit(profile, undefined)
  return {notes: planner.notes, steps: planner.steps}
}

class Planner {
  readonly steps: ChainStep[] = []
  readonly notes: string[] = []
  private readonly context: PlanContext
  /** The mfa_serial a GetSessionToken below has proven, so roles above need no code. */
  private chainedMfa = ''

  constructor(context: PlanContext) {
    this.context = context
  }

  visit(profile: ResolvedProfile, chainedFrom: ResolvedProfile | undefined): void {
    const stored = this.context.hasStoredCredentials(profile.name)
    const source = profile.sourceProfile
    const sourceDescriptor = stored || source ? undefined : this.context.sourceFor(profile)
    if (!stored && !source && sourceDescriptor === undefined) {
      if (!this.context.markMissing) throw missingCredentials(profile.name)
      // Planned as the long-term keys `vault add` would store, so the steps above are the ones they would give.
      this.steps.push({kind: 'missing-credentials', profile})
      this.keysOrSource(profile, chainedFrom)
      return
    }
    if (sourceDescriptor !== undefined) {
      const cached = sourceDescriptor.cachedSession?.(profile)
      const session = cached && {mfaSerial: cached.mfaSerial, profileName: profile.name, type: cached.type}
      this.steps.push({kind: 'source', profile, sourceId: sourceDescriptor.id, ...(session ? {session} : {})})
      return
    }
    if (stored) {
      this.steps.push({kind: 'stored-credentials', profile})
    } else if (source) {
      this.notes.push(`profile ${profile.name}: sourcing credentials from profile ${source.name}`)
      this.visit(source, profile)
    }
    this.keysOrSource(profile, chainedFrom)
  }

  /** aws-vault's getSourceCredWithSession, once the credentials below are planned. */
  private keysOrSource(profile: ResolvedProfile, chainedFrom: ResolvedProfile | undefined): void {
    if (profile.roleArn) {
      this.assumeRole(profile, profile.roleArn)
      return
    }
    // Long-term keys, this profile's or handed up unwrapped by its source_profile, get a
    // GetSessionToken with this profile's own mfa_serial; anything temporary passes as it is.
    if (this.longTermKeysBelow()) this.sessionToken(profile, chainedFrom)
  }

  /** The step below hands up long-term keys (stored, or to be stored). */
  private longTermKeysBelow(): boolean {
    const below = this.steps.at(-1)?.kind
    return below === 'stored-credentials' || below === 'missing-credentials'
  }

  private sessionToken(profile: ResolvedProfile, chainedFrom: ResolvedProfile | undefined): void {
    const refusal = this.getSessionTokenRefusal(profile, chainedFrom)
    if (refusal) {
      this.notes.push(`profile ${profile.name}: skipping GetSessionToken because ${refusal}`)
      return
    }
    const mfaSerial = profile.mfaSerial ?? ''
    this.chainedMfa = mfaSerial
    this.steps.push({
      durationSeconds: chainedFrom ? profile.chainedGetSessionTokenDuration : profile.nonChainedGetSessionTokenDuration,
      kind: 'get-session-token',
      profile,
      session: {mfaSerial, profileName: profile.name, type: 'sts.GetSessionToken'},
      ...(mfaSerial ? {mfaSerial} : {}),
    })
  }

  /** Why GetSessionToken must not wrap these stored keys, or undefined when it may. */
  private getSessionTokenRefusal(profile: ResolvedProfile, chainedFrom: ResolvedProfile | undefined): string | undefined {
    if (this.context.noSession) return 'sessions are disabled (--no-session)'
    if (!chainedFrom) return undefined
    if (!chainedFrom.mfaSerial) return `profile '${chainedFrom.name}' has no MFA serial defined`
    if (!profile.mfaSerial) return `profile '${profile.name}' has no MFA serial defined`
    if (chainedFrom.mfaSerial !== profile.mfaSerial) return `MFA serial doesn't match profile '${chainedFrom.name}'`
    if (chainedFrom.assumeRoleDuration > roleChainingMaximumSeconds) {
      return `duration ${chainedFrom.assumeRoleDuration}s in profile '${chainedFrom.name}' is greater than the AWS maximum ${roleChainingMaximumSeconds}s for chaining MFA`
    }
    return undefined
  }

  private assumeRole(profile: ResolvedProfile, roleArn: string): void {
    // Only long-term keys may ask for more than an hour: a session, a role or a source's credentials may not.
    const chained = !this.longTermKeysBelow()
    const mfaChained = Boolean(profile.mfaSerial) && profile.mfaSerial === this.chainedMfa
    const requested = profile.assumeRoleDuration
    const durationSeconds = chained ? Math.min(requested, roleChainingMaximumSeconds) : requested
    if (durationSeconds < requested) {
      this.notes.push(
        `profile ${profile.name}: role chaining allows one hour, so AssumeRole asks for ${durationSeconds}s instead of ${requested}s`,
      )
    }
    this.steps.push({
      chained,
      durationSeconds,
      kind: 'assume-role',
      mfaChained,
      profile,
      requestedDurationSeconds: requested,
      roleArn,
      // Keyed by the device behind the session even when the code was proven by GetSessionToken,
      // so a session without MFA is never mistaken for one with it.
      session: {mfaSerial: profile.mfaSerial ?? '', profileName: profile.name, type: 'sts.AssumeRole'},
      ...(profile.mfaSerial && !mfaChained ? {mfaSerial: profile.mfaSerial} : {}),
    })
  }
}
