import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import type {Credentials, ResolvedProfile} from '../lib/plugin-api/index.ts'
import type {IamCredentials, RotationResult} from '../lib/rotate/rotation.ts'
import type {TerminalPause} from '../lib/rotate/task-list.ts'

import {VaultCommand} from '../lib/base-command.ts'
import {flagDuration, minTtlSeconds, resolveProfile} from '../lib/config/index.ts'
import {VaultError} from '../lib/errors.ts'
import {CredentialStore} from '../lib/keyring/credential-store.ts'
import {MemoryKeyring} from '../lib/keyring/memory-keyring.ts'
import {SessionStore} from '../lib/keyring/session-store.ts'

export default class Rotate extends VaultCommand<typeof Rotate> {
  static override summary = 'Replace the stored access key of a profile with a new one, never losing a working key'
  static override description =
    `Creates a new access key, waits until AWS accepts it, stores it, clears the sessions made with the old key and deletes the old key. If a step fails before the new key is stored, the new key is deleted again and the store keeps the old one; the old key is deleted only once the new one is stored and proven.

IAM calls are made with a fresh session of the profile: an MFA session when mfa_serial is set, the role's credentials for a role profile. A profile without MFA calls IAM with the stored key itself, since IAM refuses sessions made without MFA; --no-session always does.

The task list goes to stderr; with --json only the result is printed.`

  static override enableJsonFlag = true
  static override args = {
    profile: Args.string({description: 'Name of the profile', required: true}),
  }

  static override flags = {
    'mfa-token': Flags.string({char: 't', description: 'The MFA code to use'}),
    'no-session': Flags.boolean({
      allowNo: true,
      char: 'n',
      default: false,
      description: 'Use the stored key for IAM calls: no session or role',
    }),
    wait: Flags.string({
      default: '1m',
      description: 'How long to wait for IAM: for the new key to work, and to delete a key (retried meanwhile)',
      env: 'AWS_VAULT_ROTATE_WAIT',
    }),
  }

  static override examples = ['<%= config.bin %> rotate work', '<%= config.bin %> rotate work --no-session']

  protected async execute(): Promise<RotationResult> {
    const name = this.args.profile
    const env = this.vault.env
    const waitMs = flagDuration('wait', this.flags.wait, '30s or 2m') * 1000
    const config = await this.vault.awsConfig()
    const profile = resolveProfile(config, name, {env, requireSection: false})
    const keyring = await this.vault.keyring()
    const store = new CredentialStore(keyring)
    const {findStoredCredentialsProfile} = await import('../lib/providers/stored-credentials.ts')
    const storedProfile = (await findStoredCredentialsProfile(profile, store))?.name
    if (!storedProfile) {
      throw new VaultError('CREDENTIALS_NOT_FOUND', `no access key is stored for profile "${name}" or its source profiles`, {
        suggestions: [`store one with \`vault add ${name}\``, 'see which profiles have stored keys with `vault list`'],
      })
    }

    const {Rotation} = await import('../lib/rotate/rotation.ts')
    const {runRotationTasks, TerminalPause} = await import('../lib/rotate/task-list.ts')
    const iam = await import('../lib/sts/iam.ts')
    const sts = await import('../lib/sts/index.ts')
    const iamTarget = iam.resolveIamTarget(profile, env)
    const stsTarget = sts.resolveStsTarget(profile, env).target
    const pause = new TerminalPause()

    const rotation = new Rotation(
      {profileName: name, storedProfile, waitMs},
      {
        callerArn: async (credentials) => (await sts.getCallerIdentity(credentials, stsTarget)).arn,
        clearSessions: async () => {
          const users = await this.profilesUsingKey(storedProfile, name, store)
          return new SessionStore(await this.vault.sessionKeyring()).remove((session) => users.has(session.profileName))
        },
        createAccessKey: (credentials, userName) => iam.createAccessKey(credentials, iamTarget, userName),
        deleteAccessKey: (credentials, accessKeyId, userName) => iam.deleteAccessKey(credentials, iamTarget, accessKeyId, userName),
        errorName: iam.awsErrorName,
        iamCredentials: () => this.iamCredentials(profile, storedProfile, store, pause),
        listAccessKeys: (credentials, userName) => iam.listAccessKeys(credentials, iamTarget, userName),
        log: this.debugLog,
        readStored: () => store.get(storedProfile),
        writeStored: (credentials) => store.set(storedProfile, credentials),
      },
    )
    const mode = this.jsonEnabled() ? 'silent' : process.stderr.isTTY ? 'live' : 'plain'
    return runRotationTasks(rotation, {mode, pause})
  }

  protected override render(result: RotationResult): void {
    process.stderr.write(`Rotated the access key of profile ${result.storedProfile}: ${result.oldAccessKey} → ${result.newAccessKey}\n`)
  }

  /**
   * Credentials for the IAM calls. A fresh chain (no cached session is read or written), so a
   * session made with the old key is never used and none is left behind.
   */
  private async iamCredentials(
    profile: ResolvedProfile,
    storedProfile: string,
    store: CredentialStore,
    pause: TerminalPause,
  ): Promise<IamCredentials> {
    const stored = async (description: string): Promise<IamCredentials> => {
      const credentials = await store.get(storedProfile)
      if (!credentials) throw new VaultError('CREDENTIALS_NOT_FOUND', `no access key stored for profile "${storedProfile}"`)
      return {credentials, description, namesUser: false}
    }
    if (this.flags['no-session']) return stored('the stored key (--no-session)')

    const env = this.vault.env
    const {chainDepsFor, chainPlan, providerFromPlan} = await import('../lib/providers/index.ts')
    const sources = (await this.vault.registry.sources()).map((entry) => entry.descriptor)
    this.vault.reportPluginWarnings()
    const prompt = await this.vault.mfaPrompt()
    const deps = {
      ...chainDepsFor({
        env,
        keyring: await this.vault.keyring(),
        sessionKeyring: await this.vault.sessionKeyring(),
        lock: (_name, work) => work(),
        log: this.debugLog,
        minTtlSeconds: minTtlSeconds(env),
        prompt: (serial) => pause.around(() => prompt(serial)),
        sources,
        ...(this.flags['mfa-token'] ? {mfaToken: this.flags['mfa-token']} : {}),
      }),
      sessions: new SessionStore(new MemoryKeyring()),
    }
    const plan = await chainPlan(profile, deps, {noSession: false})
    const last = plan.steps.at(-1)
    if (!last || last.kind === 'stored-credentials') return stored('the stored key')
    if (last.kind === 'get-session-token' && !last.mfaSerial) return stored('the stored key (IAM refuses sessions made without MFA)')
    const credentials: Credentials = await providerFromPlan(plan, deps)()
    if (last.kind === 'get-session-token')
      return {credentials, description: `a new MFA session of profile ${last.profile.name}`, namesUser: false}
    if (last.kind === 'assume-role') return {credentials, description: `a new session of role ${last.roleArn}`, namesUser: true}
    return {credentials, description: `credentials of profile ${last.profile.name}`, namesUser: true}
  }

  /** Every profile whose credentials come from this stored key: their sessions were made with it. */
  private async profilesUsingKey(storedProfile: string, name: string, store: CredentialStore): Promise<Set<string>> {
    const config = await this.vault.awsConfig()
    const {findStoredCredentialsProfile} = await import('../lib/providers/stored-credentials.ts')
    const users = new Set([storedProfile, name])
    for (const candidate of config.profileNames()) {
      try {
        const resolved = resolveProfile(config, candidate, {env: this.vault.env, requireSection: false})
        if ((await findStoredCredentialsProfile(resolved, store))?.name === storedProfile) users.add(candidate)
      } catch {
        // A profile that does not resolve has no sessions of its own.
      }
    }
    return users
  }
}
