import * as Flags from '@oclif/core/flags'
import {homedir} from 'node:os'
import {join} from 'node:path'

import type {Keyring} from '../lib/plugin-api/index.ts'

import {VaultCommand} from '../lib/base-command.ts'
import {HELP_VALUES} from '../lib/completion/model.ts'
import {resolveProfile} from '../lib/config/index.ts'
import {VaultError} from '../lib/errors.ts'
import {removeLeftoverProbes} from '../lib/keyring/probe-key.ts'
import {selectBackend} from '../lib/keyring/select-backend.ts'
import {
  describeOutcome,
  FileJournal,
  journalName,
  MemoryJournal,
  migrateItems,
  selectItems,
  summarise,
  type MigrateOutcome,
  type MigrateSummary,
} from '../lib/migrate/index.ts'

export interface MigrateResult {
  from: string
  to: string
  dryRun: boolean
  items: MigrateOutcome[]
  summary: MigrateSummary
}

export default class Migrate extends VaultCommand<typeof Migrate> {
  static override summary = 'Copy stored credentials (and, with --sessions, live sessions) from one backend to another'
  static override description =
    `Each item is read back from the destination before anything else happens to it; with --delete-source it is then removed from the source. Running the same command again after an interruption finishes the work: items already copied are recognised, and nothing is removed from the source unless its copy was verified.

An item the destination already holds with different content is a conflict: it is left alone on both sides (and the command exits 1) unless --overwrite is given.`

  static override enableJsonFlag = true
  static override flags = {
    from: Flags.string({description: 'Backend to copy from (see `vault backends`)', helpValue: HELP_VALUES.backend, required: true}),
    to: Flags.string({description: 'Backend to copy to', helpValue: HELP_VALUES.backend, required: true}),
    profile: Flags.string({
      description: 'Only this profile (repeatable); every stored profile by default',
      helpValue: HELP_VALUES.profile,
      multiple: true,
    }),
    sessions: Flags.boolean({default: false, description: 'Also copy sessions that have not expired, and SSO tokens'}),
    'dry-run': Flags.boolean({default: false, description: 'Show what would be copied, change nothing'}),
    'delete-source': Flags.boolean({default: false, description: 'Remove each item from the source once its copy is verified'}),
    overwrite: Flags.boolean({default: false, description: 'Replace destination items that differ from the source'}),
  }

  static override examples = [
    '<%= config.bin %> migrate --from file --to keyring --dry-run',
    '<%= config.bin %> migrate --from file --to pass --delete-source',
    '<%= config.bin %> migrate --from keyring --to file --profile work --sessions',
  ]

  protected async execute(): Promise<MigrateResult> {
    const {from, to} = this.flags
    const dryRun = this.flags['dry-run']
    if (from === to)
      throw new VaultError('USAGE', `--from and --to both name "${from}"`, {
        suggestions: ['name two different backends; `vault backends` lists them'],
      })
    const source = await this.openBackend(from)
    const destination = await this.openBackend(to)
    const profiles = this.flags.profile ?? []
    // Probes an interrupted migration left behind are litter on either side.
    if (!dryRun) for (const keyring of [source, destination]) await removeLeftoverProbes(keyring)
    const ssoStartUrls = await this.ssoStartUrls(profiles)
    // With a session backend, sessions and SSO tokens are taken from where they live, not from --from.
    const sessionSource = this.flags.sessions && this.vault.sessionBackendId ? await this.vault.sessionKeyring() : undefined
    const items = selectItems(await source.keys(), {
      profiles,
      sessions: this.flags.sessions && sessionSource === undefined,
      ssoStartUrls,
      now: new Date(),
    })
    const sessionItems = sessionSource
      ? selectItems(await sessionSource.keys(), {profiles, sessions: true, ssoStartUrls, now: new Date()}).filter(
          (item) => item.kind !== 'credentials',
        )
      : []
    for (const profile of profiles) {
      if (!items.some((item) => item.kind === 'credentials' && item.key === profile))
        this.addWarning(`no credentials for profile "${profile}" in "${from}"`)
    }
    const journal = dryRun
      ? new MemoryJournal()
      : await FileJournal.open(join(this.config.dataDir, 'migrate', journalName(to, this.storeSettings())))
    const migrate = (from: Keyring, fromName: string, selected: typeof items) =>
      migrateItems({
        source: from,
        destination,
        items: selected,
        dryRun,
        deleteSource: this.flags['delete-source'],
        overwrite: this.flags.overwrite,
        journal,
        now: new Date(),
        names: {source: fromName, destination: to},
        onOutcome: (outcome) => {
          if (!this.jsonEnabled()) process.stderr.write(`${describeOutcome(outcome, fromName)}\n`)
        },
      })
    const outcomes = await migrate(source, from, items)
    if (sessionSource) outcomes.push(...(await migrate(sessionSource, `session store "${this.vault.sessionBackendId}"`, sessionItems)))
    const summary = summarise(outcomes)
    if (summary.conflict > 0) {
      this.addWarning(
        `${summary.conflict} item(s) differ in "${to}" and were left alone on both sides; compare them, then run again with --overwrite to replace them`,
      )
      process.exitCode = 1
    }
    return {dryRun, from, items: outcomes, summary, to}
  }

  protected override render(result: MigrateResult): void {
    const {summary} = result
    if (result.dryRun) {
      this.log(
        `Dry run, nothing changed: would copy ${summary['would-copy']}, would overwrite ${summary['would-overwrite']}, already in ${result.to} ${summary.present}, conflicts ${summary.conflict}.`,
      )
      return
    }
    const removed = this.flags['delete-source'] ? `; removed ${summary.sourceRemoved} from ${result.from}` : ''
    this.log(
      `Copied ${summary.copied + summary.overwritten} to ${result.to} (verified), already there ${summary.present}, conflicts ${summary.conflict}${removed}.`,
    )
  }

  private async openBackend(id: string): Promise<Keyring> {
    const choices = await this.vault.backendChoices()
    const ctx = this.vault.backendContext()
    const choice = await selectBackend(choices, id, ctx)
    this.debugLog(`migrate: "${id}" from ${choice.pluginName}`)
    return choice.descriptor.open(ctx)
  }

  /** The SSO start URLs of the named profiles, whose cached tokens travel with them. */
  private async ssoStartUrls(profiles: readonly string[]): Promise<string[]> {
    if (profiles.length === 0 || !this.flags.sessions) return []
    const config = await this.vault.awsConfig()
    const urls: string[] = []
    for (const name of profiles) {
      try {
        const url = resolveProfile(config, name, {env: this.vault.env, requireSection: false}).ssoStartUrl
        if (url) urls.push(url)
      } catch (error) {
        this.debugLog(`migrate: profile "${name}" not resolved: ${(error as Error).message}`)
      }
    }
    return urls
  }

  /** What tells one destination store from another: the backends' settings, never a passphrase. */
  private storeSettings(): string[] {
    const env = this.vault.env
    const names = Object.keys(env)
      .filter(
        (name) =>
          (name.startsWith('AWS_VAULT_') && !['AWS_VAULT_FILE_PASSPHRASE', 'AWS_VAULT_BACKEND', 'AWS_VAULT'].includes(name)) ||
          name === 'PASSWORD_STORE_DIR',
      )
      .sort()
    return [homedir(), ...names.map((name) => `${name}=${env[name] ?? ''}`)]
  }
}
