// What a command works with, apart from oclif: the environment as the global flags shape it, the
// plugin registry, the chosen backend, ~/.aws/config and the credential chain of a profile.
// Commands reach it as `this.vault`, and the start path that answers `exec <profile> --json`
// without loading oclif builds one too: both take their credentials through this one module.
import {homedir} from 'node:os'

import type {
  BackendContext,
  BackendDescriptor,
  CredentialProvider,
  CredentialSourceDescriptor,
  Credentials,
  Keyring,
  MfaPrompt,
  PromptContext,
  ResolvedProfile,
} from './plugin-api/index.ts'

// The config modules themselves, not config/index.ts, which also brings the config writer.
import {flagDuration, minTtlSeconds} from './config/duration.ts'
import {type AwsConfigFile, loadConfigFile} from './config/file.ts'
import {resolveProfile, type ProfileFlags} from './config/resolve.ts'
import {checkKnownProfile} from './config/unknown-profile.ts'
import {itemCodec} from './keyring/item-codec.ts'
import {VaultError} from './errors.ts'
import {selectBackend, type BackendChoice} from './keyring/select-backend.ts'
import {sessionBackendEnv, sessionStoreSettings} from './keyring/session-backend.ts'
import type {Logger} from './log.ts'
import type {LockRunner} from './providers/cached-session.ts'
import {PluginRegistry, type HookHost} from './registry/index.ts'
import {commandEnvironment} from './providers/sources/run-command.ts'
import {findExecutable} from './executable.ts'
import {shareUntilFailure} from './share-until-failure.ts'
import type {UnlockableStore} from './unlock/unlockable-backend.ts'

/** aws-vault's global backend settings: flags that set the variable each backend reads. */
export const backendSettingFlags = {
  'file-dir': 'AWS_VAULT_FILE_DIR',
  keychain: 'AWS_VAULT_KEYCHAIN_NAME',
  'pass-cmd': 'AWS_VAULT_PASS_CMD',
  'pass-dir': 'AWS_VAULT_PASS_PASSWORD_STORE_DIR',
  'pass-prefix': 'AWS_VAULT_PASS_PREFIX',
  'secret-service-collection': 'AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME',
} as const

/** Every global flag that can come from the environment, and its variable. */
export const globalFlagVariables = {
  backend: 'AWS_VAULT_BACKEND',
  'session-backend': 'AWS_VAULT_SESSION_BACKEND',
  prompt: 'AWS_VAULT_PROMPT',
  ...backendSettingFlags,
} as const

export type GlobalFlagValues = Partial<Record<keyof typeof globalFlagVariables, string>>

export interface CredentialFlagValues {
  duration?: string
  'mfa-token'?: string
  'no-session': boolean
  region?: string
  /** aws-vault's --stdout: an SSO sign-in prints its URL and opens no browser. */
  stdout?: boolean
}

export interface ProfileCredentials {
  profile: ResolvedProfile
  credentials: Credentials
}

export interface ProfileCredentialProvider {
  profile: ResolvedProfile
  provider: CredentialProvider
}

/**
 * What must not happen on a path that may only read: asking the user anything, taking a lock
 * to make a session, running a credential source. The work is then left to the full command.
 */
export interface ReadOnlyGuard {
  refuse(what: string): never
}

export interface VaultContextOptions {
  flags: GlobalFlagValues
  hooks: HookHost
  debug: Logger
  warn: Logger
  readOnly?: ReadOnlyGuard
}

export class VaultContext {
  private readonly options: VaultContextOptions
  private registryInstance?: PluginRegistry
  private keyringPromise?: Promise<Keyring>
  private sessionKeyringPromise?: Promise<Keyring>
  private backendChoice?: BackendChoice
  private configPromise?: Promise<AwsConfigFile>

  constructor(options: VaultContextOptions) {
    this.options = options
  }

  /** The environment as backends and child processes see it: the real one plus the setting flags. */
  get env(): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = {...process.env}
    const flags = this.options.flags as Record<string, unknown>
    for (const [flag, variable] of Object.entries(backendSettingFlags)) {
      const value = flags[flag]
      if (typeof value === 'string') env[variable] = value
    }
    return env
  }

  get registry(): PluginRegistry {
    this.registryInstance ??= new PluginRegistry(this.options.hooks)
    return this.registryInstance
  }

  /** The backend chosen for the keys, once the keyring is open. */
  get backendId(): string | undefined {
    return this.backendChoice?.descriptor.id
  }

  /** The backend named by --backend or AWS_VAULT_BACKEND, if any. */
  get requestedBackendId(): string | undefined {
    return this.options.flags.backend || undefined
  }

  backendContext(): BackendContext {
    return this.contextFor(this.env, 'the backend passphrase')
  }

  /** What the session backend sees: each `AWS_VAULT_SESSION_<X>` as its `AWS_VAULT_<X>`. */
  sessionBackendContext(): BackendContext {
    return this.contextFor(sessionBackendEnv(this.env), 'the session store passphrase')
  }

  private contextFor(env: Record<string, string | undefined>, secret: string): BackendContext {
    const {readOnly} = this.options
    return {
      debug: this.options.debug,
      env,
      findExecutable: (command) => findExecutable(command, env.PATH),
      homedir: homedir(),
      items: itemCodec,
      shareUntilFailure,
      beforeDialog: readOnly ? (what) => readOnly.refuse(what) : () => {},
      promptSecret: readOnly
        ? () => readOnly.refuse(`a prompt for ${secret}`)
        : async (message) => (await import('./prompt/ask.ts')).promptSecret(message, secret),
    }
  }

  /** What prompt drivers see: the environment without the file store's passphrase, which none of them needs. */
  promptContext(): PromptContext {
    const env = commandEnvironment(this.env)
    return {debug: this.options.debug, env, findExecutable: (command) => findExecutable(command, env.PATH)}
  }

  /** Opens the chosen backend once. */
  keyring(): Promise<Keyring> {
    this.keyringPromise ??= this.openKeyring()
    return this.keyringPromise
  }

  /** Every backend the plugins provide, with the plugin it comes from; broken plugins reported. */
  async backendChoices(): Promise<BackendChoice[]> {
    const entries = await this.registry.backends()
    this.reportPluginWarnings()
    return entries.map((entry) => ({descriptor: entry.descriptor, pluginName: entry.plugin.name}))
  }

  /** The backend that holds sessions and SSO tokens when they have a store of their own. */
  get sessionBackendId(): string | undefined {
    return this.options.flags['session-backend']?.trim() || undefined
  }

  /** Where sessions and SSO tokens live: the session backend, opened once, or else the keyring. */
  sessionKeyring(): Promise<Keyring> {
    if (this.sessionBackendId === undefined) return this.keyring()
    this.sessionKeyringPromise ??= this.openSessionKeyring(this.sessionBackendId)
    return this.sessionKeyringPromise
  }

  /** What `vault unlock` and `vault lock` act on: the chosen (or named) backend's store, and the session store. */
  async unlockableStores(): Promise<UnlockableStore[]> {
    const choices = await this.backendChoices()
    const session = this.sessionBackendId
    const {unlockableStores} = await import('./unlock/unlockable-backend.ts')
    return unlockableStores(choices, {
      ctx: this.backendContext(),
      requested: this.requestedBackendId,
      ...(session ? {session: {ctx: this.sessionBackendContext(), id: session}} : {}),
    })
  }

  /** `~/.aws/config` (or AWS_CONFIG_FILE), read once. */
  awsConfig(): Promise<AwsConfigFile> {
    this.configPromise ??= loadConfigFile(this.env, homedir())
    return this.configPromise
  }

  /** Refuses a mistyped profile (no config section, no stored keys) before anything else is done with it. */
  async assertKnownProfile(name: string): Promise<void> {
    const config = await this.awsConfig()
    if (config.hasProfile(name)) return
    const {CredentialStore} = await import('./keyring/credential-store.ts')
    checkKnownProfile(name, config.profileNames(), await new CredentialStore(await this.keyring()).keys(), config.path)
  }

  /** Broken plugins are reported once, as warnings naming them, never as crashes. */
  reportPluginWarnings(): void {
    for (const message of this.registry.warnings()) this.options.warn(message)
    for (const message of this.registry.notices()) this.options.debug(message)
  }

  /** Resolves the profile and obtains its credentials through the provider chain. */
  async profileCredentials(name: string, flags: CredentialFlagValues): Promise<ProfileCredentials> {
    const {profile, provider} = await this.profileCredentialProvider(name, flags)
    return {credentials: await provider(), profile}
  }

  /**
   * The profile and a provider that walks its chain afresh on each call (cached sessions with
   * AWS_MIN_TTL left are reused): what a credential server refreshes from while it runs.
   * `serverMode` keeps MFA prompts off the terminal, which belongs to the command being run.
   */
  async profileCredentialProvider(
    name: string,
    flags: CredentialFlagValues,
    options: {serverMode?: boolean} = {},
  ): Promise<ProfileCredentialProvider> {
    const env = this.env
    const config = await this.awsConfig()
    await this.assertKnownProfile(name)
    const profile = resolveProfile(config, name, {
      env,
      flags: profileFlags(flags),
      requireSection: false,
    })
    const keyring = await this.keyring()
    const sources = (await this.registry.sources()).map((entry) => entry.descriptor)
    this.reportPluginWarnings()
    const {credentialProvider, chainDepsFor} = await import('./providers/index.ts')
    const prompt = await this.mfaPrompt(options)
    const {readOnly} = this.options
    const lock: LockRunner | undefined = readOnly ? () => readOnly.refuse('a new session') : undefined
    const deps = chainDepsFor({
      // For the chain only: the child's environment stays as the user set it.
      env: flags.stdout ? {...env, AWS_VAULT_SSO_NO_BROWSER: '1'} : env,
      keyring,
      sessionKeyring: await this.sessionKeyring(),
      lockScope: JSON.stringify([
        this.backendId,
        homedir(),
        ...Object.values(backendSettingFlags).map((variable) => env[variable] ?? ''),
        ...(this.sessionBackendId ? [this.sessionBackendId, ...sessionStoreSettings(env)] : []),
      ]),
      log: this.options.debug,
      minTtlSeconds: minTtlSeconds(env),
      prompt,
      sources: readOnly ? sources.map((source) => refusingSource(source, readOnly)) : sources,
      ...(lock ? {lock} : {}),
      ...(flags['mfa-token'] ? {mfaToken: flags['mfa-token']} : {}),
    })
    const chainOptions = {noSession: flags['no-session']}
    const provider = async () => {
      try {
        return await (await credentialProvider(profile, deps, chainOptions))()
      } catch (error) {
        throw await this.namingTheStore(error)
      }
    }
    return {profile, provider}
  }

  /**
   * "No credentials stored" says which store was searched: after a plugin install the automatic
   * choice can move to another backend, and the user would otherwise look in the wrong place.
   */
  async namingTheStore(error: unknown): Promise<unknown> {
    const choice = this.backendChoice
    if (!(error instanceof VaultError) || error.code !== 'CREDENTIALS_NOT_FOUND' || !choice) return error
    let location: string | undefined
    try {
      location = await choice.descriptor.location?.(this.backendContext())
    } catch {
      // A backend that cannot say where it keeps items is still named.
    }
    const where = `the "${choice.descriptor.id}" backend${location ? ` (${location})` : ''}`
    const suggestions = [...error.suggestions]
    if (this.requestedBackendId === undefined) {
      suggestions.push('that backend was chosen automatically: name another with --backend or AWS_VAULT_BACKEND (see `vault backends`)')
    }
    return new VaultError(error.code, `${error.message} in ${where}`, {cause: error.cause ?? error, suggestions})
  }

  /**
   * The prompt driver that asks for MFA codes when neither --mfa-token nor mfa_process gives one.
   * A driver named with --prompt/AWS_VAULT_PROMPT is checked now, so a typo fails before any work;
   * whether it (or the automatic choice) can run here is decided when a code is first needed,
   * so profiles without MFA never depend on a terminal or a display.
   * Credential servers pass `serverMode`: the terminal then belongs to the command they run.
   */
  async mfaPrompt(options: {serverMode?: boolean} = {}): Promise<MfaPrompt> {
    const requested = this.options.flags.prompt?.trim() || undefined
    const {chooseDriver, guardDriver, requestedDriver} = await import('./prompt/select-driver.ts')
    if (requested) {
      requestedDriver(await this.registry.prompts(), requested)
      this.reportPluginWarnings()
    }
    const {readOnly} = this.options
    if (readOnly) return () => readOnly.refuse('an MFA prompt')
    const ctx = this.promptContext()
    const choose = shareUntilFailure(async (): Promise<MfaPrompt> => {
      const entries = await this.registry.prompts()
      this.reportPluginWarnings()
      const {descriptor, plugin} = await chooseDriver(entries, {requested, serverMode: options.serverMode ?? false}, ctx)
      this.options.debug(`using prompt driver "${descriptor.id}" from ${plugin.name}`)
      return guardDriver(descriptor.id, descriptor.create(ctx))
    })
    return async (mfaSerial) => (await choose())(mfaSerial)
  }

  private async openSessionKeyring(id: string): Promise<Keyring> {
    const choices = await this.backendChoices()
    const ctx = this.sessionBackendContext()
    const choice = await selectBackend(choices, id, ctx)
    this.refuseDialogsWhenReadOnly(choice.descriptor)
    this.options.debug(`sessions in backend "${choice.descriptor.id}" from ${choice.pluginName}`)
    return choice.descriptor.open(ctx)
  }

  private async openKeyring(): Promise<Keyring> {
    const choices = await this.backendChoices()
    const ctx = this.backendContext()
    const choice = await selectBackend(choices, this.requestedBackendId, ctx)
    this.refuseDialogsWhenReadOnly(choice.descriptor)
    this.backendChoice = choice
    this.options.debug(`using backend "${choice.descriptor.id}" from ${choice.pluginName}`)
    return choice.descriptor.open(ctx)
  }

  // A read-only context (the start path) falls back to the full command on any failure: a backend that
  // may show a dialog of its own without announcing it (KWallet's, pass's pinentry) would show it twice.
  private refuseDialogsWhenReadOnly(descriptor: BackendDescriptor): void {
    const {readOnly} = this.options
    if (readOnly && descriptor.asksOnlyThroughContext !== true) readOnly.refuse(`the ${descriptor.id} backend, which may show a dialog`)
  }
}

/** The same descriptor (same id, priority and matching, so the same plan) whose provider refuses to run. */
function refusingSource(source: CredentialSourceDescriptor, guard: ReadOnlyGuard): CredentialSourceDescriptor {
  return Object.create(source, {
    create: {value: () => () => guard.refuse(`the ${source.id} credential source`)},
  }) as CredentialSourceDescriptor
}

/** What --region and --duration change in a profile: as in aws-vault, --duration sets both the session and the role duration. */
export function profileFlags(flags: {duration?: string | undefined; region?: string | undefined}): ProfileFlags {
  const seconds = flags.duration ? flagDuration('duration', flags.duration) : undefined
  return {
    ...(flags.region ? {region: flags.region} : {}),
    ...(seconds === undefined ? {} : {assumeRoleDuration: seconds, nonChainedGetSessionTokenDuration: seconds}),
  }
}
