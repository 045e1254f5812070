/**
 * The contracts between the `vault` host and its plugins.
 *
 * Types, and the one constant {@link apiVersion}: plugins `import type` from
 * `@vault-aws/cli/plugin-api`, so nothing here may carry runtime behaviour. The host validates
 * every descriptor at run time because types do not survive the package boundary.
 */

import type {Hook, Interfaces} from '@oclif/core'

/**
 * The version of these contracts, which is the version of the `@vault-aws/cli` package that
 * publishes them. A plugin states the versions it works with as its
 * `peerDependencies["@vault-aws/cli"]` range; docs/plugins.md gives the compatibility policy.
 */
export const apiVersion = '0.1.0'

/** One secret stored by a backend. `data` is opaque to the backend. */
export interface KeyringItem {
  key: string
  data: Uint8Array
  label?: string
  description?: string
}

/**
 * A secure store. Implementations throw errors with a documented `code`
 * (see {@link KeyringErrorCode}) that the host turns into its own messages.
 */
export interface Keyring {
  get(key: string): Promise<KeyringItem>
  set(item: KeyringItem): Promise<void>
  remove(key: string): Promise<void>
  keys(): Promise<string[]>
}

/** Codes a backend puts on the errors it throws (`Object.assign(new Error(msg), {code})`). */
export type KeyringErrorCode = 'ITEM_NOT_FOUND' | 'BACKEND_LOCKED' | 'BAD_PASSPHRASE' | 'BACKEND_UNAVAILABLE' | 'BACKEND_CORRUPT'

/** An item read back from aws-vault's item JSON. */
export interface DecodedItem {
  /** Named by the key the backend found it under. */
  item: KeyringItem
  /** The JSON's own `Key` field, which may differ from that key (e.g. a path that lost slashes). */
  storedKey: string | undefined
}

/** aws-vault's keyring Item as JSON (Go field names, `Data` as padded base64, Go's escapes). */
export interface ItemCodec {
  encode(item: KeyringItem): string
  /** Undefined when `json` is not an Item's JSON. Callers holding bytes decode them as strict UTF-8 first. */
  decode(key: string, json: string): DecodedItem | undefined
}

/**
 * Wraps `start` so that the work its first call begins is shared by every later call until it
 * fails; a failure is forgotten, and the next call begins the work again instead of failing forever.
 */
export type ShareUntilFailure = <A extends unknown[], T>(start: (...args: A) => Promise<T>) => (...args: A) => Promise<T>

/** What the host hands to a backend: its settings come from `env`, with aws-vault's variable names. */
export interface BackendContext {
  env: Readonly<Record<string, string | undefined>>
  homedir: string
  /** The item format every backend stores, so aws-vault still reads the store; the host owns it. */
  items: ItemCodec
  /** Ask the user for a secret on the controlling terminal; rejects when there is none. */
  promptSecret(message: string): Promise<string>
  /** Where a program runs from on `env.PATH` (a name with a slash is a path); never the current directory by accident. */
  findExecutable(command: string): string | undefined
  /** For work done once per keyring (connecting, asking for a passphrase) that a failure must not spoil for good. */
  shareUntilFailure: ShareUntilFailure
  /**
   * Call just before showing anything of the backend's own that waits on the user (the Secret Service's
   * unlock prompt, a pinentry), naming it in a few words. Where vault may not ask (the fast path that
   * answers credential_process before its commands load) it throws, and the full command starts over
   * and shows it once; everywhere else it returns.
   */
  beforeDialog(what: string): void
  debug(message: string): void
}

export interface Availability {
  available: boolean
  /** Why, in a few words: shown by `vault backends`. */
  reason?: string
}

export interface BackendDescriptor {
  id: string
  summary: string
  /** Higher wins when no backend is named. */
  priority: number
  isAvailable(ctx: BackendContext): Availability | Promise<Availability>
  open(ctx: BackendContext): Promise<Keyring>
  /**
   * Optional: where the items live with these settings, in a few words (a directory, a collection),
   * named when a profile's keys are not found. Loads nothing heavy; may throw, which hides it.
   */
  location?(ctx: BackendContext): string | Promise<string>
  /** For a backend that asks for a passphrase: `vault unlock` / `vault lock`. */
  unlocking?: BackendUnlocking
  /**
   * Optional: true when opening and reading the store ask only through the context: a secret vault asks
   * for through `ctx.promptSecret`, and a dialog of the backend's own (an unlock prompt, a pinentry) only
   * after `ctx.beforeDialog`. Only such a backend is opened by the fast path that answers credential_process
   * before vault's commands load: that path gives up on the first question and the full command starts
   * over, so a dialog shown unannounced would show twice.
   */
  asksOnlyThroughContext?: boolean
}

/** Whether a backend opens without asking, until when, and for which store. */
export interface UnlockState {
  unlocked: boolean
  until?: Date
  /** The store it concerns, in a few words (a directory, a wallet). */
  store: string
}

/**
 * What one `vault unlock` run hands to each unlock of the same backend: the long-term store is
 * unlocked first, then the session store when it is another store of that backend.
 */
export interface UnlockOptions {
  /**
   * Passed only between stores of one backend, within one run, never shown. A backend may record
   * here the passphrase that opened the first store, and try it on the next one (when nothing of
   * its own is set or kept, and only if it opens that store) before asking.
   */
  carry?: {passphrase?: string}
}

/**
 * Keeping a backend openable for a while, for this user only and in memory only, so later
 * runs (credential_process included) open it without asking.
 */
export interface BackendUnlocking {
  /** Gets the passphrase (setting, what is kept, or a prompt), proves it on the store and keeps it for `seconds`. */
  unlock(ctx: BackendContext, seconds: number, options?: UnlockOptions): Promise<UnlockState>
  /** Forgets what `unlock` kept; the state says whether it was unlocked before. */
  lock(ctx: BackendContext): Promise<UnlockState>
  /** Never prompts, never writes. */
  state(ctx: BackendContext): Promise<UnlockState>
}

export interface PromptContext {
  env: Readonly<Record<string, string | undefined>>
  /** Where a program runs from on `env.PATH` (a name with a slash is a path); never the current directory by accident. */
  findExecutable(command: string): string | undefined
  debug(message: string): void
}

/** Returns the MFA code the user typed (or a device produced) for `mfaSerial`. */
export type MfaPrompt = (mfaSerial: string) => Promise<string>

export interface PromptDriverDescriptor {
  id: string
  summary: string
  /** True when the driver reads from the controlling terminal (refused in server modes). */
  needsTty: boolean
  isAvailable(ctx: PromptContext): Availability | Promise<Availability>
  create(ctx: PromptContext): MfaPrompt
}

/** Credentials as the host passes them around. */
export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

export type CredentialProvider = () => Promise<Credentials>

/** A profile of `~/.aws/config` after resolution (flags → env → profile → include_profile → [default]). */
export interface ResolvedProfile {
  name: string
  region?: string
  stsRegionalEndpoints?: string
  mfaSerial?: string
  mfaProcess?: string
  roleArn?: string
  roleSessionName?: string
  externalId?: string
  sourceProfileName?: string
  sourceProfile?: ResolvedProfile
  webIdentityTokenFile?: string
  webIdentityTokenProcess?: string
  credentialProcess?: string
  ssoSession?: string
  ssoStartUrl?: string
  ssoRegion?: string
  ssoAccountId?: string
  ssoRoleName?: string
  ssoRegistrationScopes?: string
  sessionTags: Record<string, string>
  transitiveSessionTags: string[]
  sourceIdentity?: string
  endpointUrl?: string
  /** Seconds; from `duration_seconds` or `--duration`. */
  assumeRoleDuration: number
  nonChainedGetSessionTokenDuration: number
  chainedGetSessionTokenDuration: number
  getFederationTokenDuration: number
  /** Every key of the profile's own section and what it included, lower-cased. */
  raw: Record<string, string>
}

export interface SourceDeps {
  keyring: Keyring
  env: Readonly<Record<string, string | undefined>>
  mfaPrompt: MfaPrompt
  debug(message: string): void
}

/** How the host caches a source's credentials: the parts of aws-vault's session key that name them. */
export interface SourceSession {
  /** The session type, e.g. `sso.GetRoleCredentials`. */
  type: string
  /** What tells two sessions of one profile apart (an MFA serial, an SSO start URL); empty when nothing does. */
  mfaSerial: string
}

export interface CredentialSourceDescriptor {
  id: string
  /** Higher is tried first among the sources that match a profile. */
  priority: number
  matches(profile: ResolvedProfile): boolean
  create(profile: ResolvedProfile, deps: SourceDeps): CredentialProvider
  /**
   * Declared by a source whose credentials the host may cache in the keyring until they expire,
   * as the session of the profile; without it, the source is asked every time.
   */
  cachedSession?(profile: ResolvedProfile): SourceSession
}

/** The custom hook events, merged into oclif's hook map by the host. */
export interface VaultHookEvents {
  'vault:backends': {options: Record<string, never>; return: BackendDescriptor[]}
  'vault:prompts': {options: Record<string, never>; return: PromptDriverDescriptor[]}
  'vault:sources': {options: Record<string, never>; return: CredentialSourceDescriptor[]}
}

/**
 * oclif's hook map with the vault events merged in. oclif declares its map as a type
 * alias, which cannot be augmented, so callers pass this map to `runHook` explicitly.
 */
export type VaultHooks = Interfaces.Hooks & VaultHookEvents

export type VaultHookEvent = keyof VaultHookEvents

/**
 * The type of a plugin's hook function for one vault event, e.g.
 * `const hook: VaultHook<'vault:backends'> = async () => [descriptor]`.
 */
export type VaultHook<E extends VaultHookEvent> = Hook<E, VaultHooks>
