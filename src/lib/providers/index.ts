// Temporary credentials for a profile: the chain plan, its providers, and what they need.
import type {CredentialSourceDescriptor, Keyring, MfaPrompt} from '../plugin-api/index.ts'

import {CredentialStore} from '../keyring/credential-store.ts'
import {SessionStore} from '../keyring/session-store.ts'
import {withLock} from '../lock/index.ts'
import type {Logger} from '../log.ts'
import type {LockRunner} from './cached-session.ts'
import type {ChainDeps} from './chain.ts'
import {mfaCodes} from './mfa.ts'

export {chainPlan, credentialProvider, providerFromPlan, type ChainDeps, type ChainOptions} from './chain.ts'
export {describeChain, type ChainDescription, type DescribedStep} from './describe.ts'
export {planChain, type ChainPlan, type ChainStep, type SessionSlot} from './plan.ts'
export {mfaCodes, type MfaCodes} from './mfa.ts'

export interface ChainSetup {
  env: Readonly<Record<string, string | undefined>>
  keyring: Keyring
  /** Where sessions and SSO tokens live, when not in `keyring`. */
  sessionKeyring?: Keyring
  log: Logger
  minTtlSeconds: number
  prompt: MfaPrompt
  sources: readonly CredentialSourceDescriptor[]
  mfaToken?: string
  /** Defaults to a line on stderr. */
  notice?: Logger
  lock?: LockRunner
  /** What tells this store apart from others (backend and its settings): locks are per store. */
  lockScope?: string
  now?: () => Date
}

/** Everything the chain needs, from what a command has at hand. */
export function chainDepsFor(setup: ChainSetup): ChainDeps {
  const log = setup.log
  const lock: LockRunner =
    setup.lock ??
    ((name, work) =>
      withLock(`${setup.lockScope ?? ''}\0${name}`, work, {onWait: () => log(`waiting for another vault process getting ${name}`)}))
  return {
    credentials: new CredentialStore(setup.keyring),
    env: setup.env,
    lock,
    log,
    mfa: mfaCodes({prompt: setup.prompt, ...(setup.mfaToken ? {mfaToken: setup.mfaToken} : {})}),
    minTtlSeconds: setup.minTtlSeconds,
    notice: setup.notice ?? ((message) => process.stderr.write(`vault: ${message}\n`)),
    now: setup.now ?? (() => new Date()),
    sessions: new SessionStore(setup.sessionKeyring ?? setup.keyring),
    // What sources keep (SSO tokens) is temporary: it goes where sessions go.
    sourceDeps: {debug: log, env: setup.env, keyring: setup.sessionKeyring ?? setup.keyring, mfaPrompt: setup.prompt},
    sources: setup.sources,
  }
}
