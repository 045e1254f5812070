import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {VaultCommand} from '../lib/base-command.ts'
import {minTtlSeconds, resolveProfile} from '../lib/config/index.ts'
import {CredentialStore} from '../lib/keyring/credential-store.ts'
import {SessionStore} from '../lib/keyring/session-store.ts'
import {formatColumns} from '../lib/output/columns.ts'
import {chainPlan, describeChain, type ChainDescription} from '../lib/providers/index.ts'
import {profileFlags} from '../lib/vault-context.ts'
import {formatDuration} from '../lib/output/duration.ts'
import type {DescribedProfile} from '../lib/providers/describe.ts'

export default class Describe extends VaultCommand<typeof Describe> {
  static override summary = 'Show how a profile resolves and which steps give its credentials, with the cached sessions they would reuse'
  static override description =
    'Every setting with where it came from (flag, environment, profile, include_profile, default), then the credential chain step by step: stored keys or a source, GetSessionToken, AssumeRole, and for each cached step the session that would be reused and for how long. Makes no AWS call and asks for no MFA code.'

  static override enableJsonFlag = true
  static override args = {
    profile: Args.string({description: 'Name of the profile', required: true}),
  }

  static override flags = {
    duration: Flags.string({char: 'd', description: 'Describe the chain as `vault exec --duration` would run it'}),
    'no-session': Flags.boolean({char: 'n', default: false, description: 'Describe the chain as `vault exec --no-session` would run it'}),
    region: Flags.string({description: 'Describe the chain as `vault exec --region` would run it'}),
  }

  static override examples = ['<%= config.bin %> describe work', '<%= config.bin %> describe work --json']

  protected async execute(): Promise<ChainDescription> {
    const env = this.vault.env
    await this.vault.assertKnownProfile(this.args.profile)
    const profile = resolveProfile(await this.vault.awsConfig(), this.args.profile, {
      env,
      flags: profileFlags(this.flags),
      requireSection: false,
    })
    const keyring = await this.vault.keyring()
    const sources = (await this.vault.registry.sources()).map((entry) => entry.descriptor)
    this.vault.reportPluginWarnings()
    const plan = await chainPlan(
      profile,
      {credentials: new CredentialStore(keyring), sources},
      {
        markMissing: true,
        noSession: this.flags['no-session'],
      },
    )
    return describeChain(profile, plan, {
      env,
      minTtlSeconds: minTtlSeconds(env),
      now: () => new Date(),
      sessions: new SessionStore(await this.vault.sessionKeyring()),
    })
  }

  protected override render(result: ChainDescription): void {
    const lines: string[] = [...profileLines(`Profile ${result.profile.profile}`, result.profile)]
    for (const source of result.source_profiles) lines.push('', ...profileLines(`Source profile ${source.profile}`, source))
    lines.push('', `Credential chain (sessions with less than ${formatDuration(result.min_ttl_seconds)} left are renewed):`)
    lines.push(formatColumns(result.chain.map((step) => [`  ${step.step}.`, step.action, step.profile, step.summary])))
    lines.push(
      '',
      result.mfa_prompts.length === 0 ? 'MFA: no code needed now' : `MFA: asks for a code of ${result.mfa_prompts.join(', then ')}`,
    )
    for (const {fix, profile} of result.missing_credentials) {
      lines.push('', `Missing: the long-term keys of ${profile}, which this chain starts from; store them with \`${fix}\``)
    }
    if (result.notes.length > 0) lines.push('', 'Notes:', ...result.notes.map((note) => `  - ${note}`))
    this.log(lines.join('\n'))
  }
}

function profileLines(title: string, profile: DescribedProfile): string[] {
  const heading = profile.has_section ? title : `${title} (no section in the config file)`
  const rows = Object.entries(profile.config).map(([key, described]) => [
    `  ${key}`,
    showValue(described.value),
    described.origin,
    described.from ?? '',
  ])
  const lines = [heading]
  if (rows.length > 0) lines.push(formatColumns(rows).replace(/ +$/gm, ''))
  const other = Object.entries(profile.other_keys)
  if (other.length > 0) lines.push(`  other keys: ${other.map(([key, value]) => `${key} = ${value}`).join(', ')}`)
  return lines
}

function showValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',')
  if (typeof value === 'object' && value !== null)
    return Object.entries(value)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',')
  return String(value)
}
