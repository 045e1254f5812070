import * as Flags from '@oclif/core/flags'
import {homedir} from 'node:os'

import {VaultCommand} from '../lib/base-command.ts'
import {type CompletionHints, HELP_VALUES} from '../lib/completion/model.ts'
import {printable} from '../lib/printable.ts'
import {addProfile} from '../lib/config/index.ts'
import {CredentialStore} from '../lib/keyring/credential-store.ts'
import {SessionStore} from '../lib/keyring/session-store.ts'
import {credentialsPath, importCredentials, type ImportAction, type ImportOutcome} from '../lib/import/index.ts'

export interface ImportCommandResult {
  file: string
  backup: string | null
  backend: string | undefined
  profiles: Array<ImportOutcome & {configAdded: boolean}>
  skipped: Array<{profile: string; reason: string}>
}

const words: Record<ImportAction, string> = {
  imported: 'imported',
  present: 'already in the vault',
  overwritten: 'imported, replacing other keys in the vault',
  conflict: 'CONFLICT, the vault holds other keys, left in the file:',
  'would-import': 'would import',
  'would-overwrite': 'would import, replacing other keys in the vault',
}

export default class Import extends VaultCommand<typeof Import> {
  static override summary = 'Move plaintext access keys from ~/.aws/credentials into the secure store'
  static override description =
    `Each key pair is stored and read back from the vault first; only then are its lines removed from the credentials file (AWS_SHARED_CREDENTIALS_FILE, or --file), after the whole file has been copied to <file>.vault-backup-<time> (mode 0600); that copy holds the plaintext keys, so it is removed once the rewritten file reads back right, unless --keep-backup. The file keeps its mode, and every other line, comment and setting.

Sections holding a session token (temporary credentials) are left alone. A profile whose keys in the vault differ is a conflict: it stays in the file, and the command exits 1, unless --overwrite is given.`

  static override enableJsonFlag = true
  /** --profile completes the profiles with plaintext keys in the file this command reads (src/lib/completion/model.ts). */
  static completion: CompletionHints = {flags: {profile: {fileFlag: 'file', kind: 'credentials-profile'}}}
  static override flags = {
    file: Flags.string({
      description: 'The shared credentials file (default: AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)',
      helpValue: HELP_VALUES.file,
    }),
    profile: Flags.string({
      description: 'Only this profile (repeatable); every profile with plaintext keys by default',
      helpValue: HELP_VALUES.profile,
      multiple: true,
    }),
    'dry-run': Flags.boolean({default: false, description: 'Show what would be imported, change nothing'}),
    keep: Flags.boolean({default: false, description: 'Leave the keys in the credentials file'}),
    'keep-backup': Flags.boolean({
      default: false,
      description: 'Keep the copy of the file made before it was changed (it holds the plaintext keys)',
    }),
    overwrite: Flags.boolean({default: false, description: 'Replace keys the vault already holds for a profile'}),
    'add-config': Flags.boolean({
      allowNo: true,
      default: true,
      description: "Add each imported profile to ~/.aws/config if it isn't there",
    }),
  }

  static override examples = [
    '<%= config.bin %> import --dry-run',
    '<%= config.bin %> import --profile work',
    '<%= config.bin %> --backend pass import --keep',
  ]

  protected async execute(): Promise<ImportCommandResult> {
    const env = this.vault.env
    const path = credentialsPath(this.flags.file ?? env.AWS_SHARED_CREDENTIALS_FILE, homedir())
    const keyring = await this.vault.keyring()
    const dryRun = this.flags['dry-run']
    const result = await importCredentials({
      path,
      store: new CredentialStore(keyring),
      profiles: this.flags.profile ?? [],
      dryRun,
      keep: this.flags.keep,
      keepBackup: this.flags['keep-backup'],
      overwrite: this.flags.overwrite,
      now: new Date(),
      // As with `vault add`: sessions made with other keys would outlive them.
      onKeysChanged: async (profile) => {
        await new SessionStore(await this.vault.sessionKeyring()).remove((session) => session.profileName === profile)
      },
    })
    if (result.backup) this.addWarning(`${result.backup} keeps the plaintext keys (mode 0600): remove it once you no longer need it`)
    for (const name of result.missing) this.addWarning(`no plaintext keys for profile "${name}" in ${result.file}`)
    for (const entry of result.skipped) this.addWarning(`[${printable(entry.profile)}] ${entry.reason}; left in ${result.file}`)

    const config = await this.vault.awsConfig()
    const profiles: ImportCommandResult['profiles'] = []
    for (const outcome of result.outcomes) {
      let configAdded = false
      if (!dryRun && this.flags['add-config'] && outcome.action !== 'conflict' && !config.hasProfile(outcome.profile)) {
        configAdded = await addProfile(config.path, outcome.profile)
      }
      profiles.push({...outcome, configAdded})
    }
    const conflicts = profiles.filter((entry) => entry.action === 'conflict').length
    if (conflicts > 0) {
      this.addWarning(
        `${conflicts} profile(s) have other keys in the vault and were left in ${result.file}; run again with --overwrite to replace the vault's keys`,
      )
      process.exitCode = 1
    }
    return {backend: this.vault.backendId, backup: result.backup ?? null, file: result.file, profiles, skipped: result.skipped}
  }

  protected override render(result: ImportCommandResult): void {
    for (const entry of result.profiles) {
      this.log(`${words[entry.action]} "${entry.profile}" (${entry.accessKeyId})${entry.removedFromFile ? ', removed from the file' : ''}`)
    }
    if (result.profiles.length === 0) this.log(`No plaintext keys to import in ${result.file}.`)
  }
}
