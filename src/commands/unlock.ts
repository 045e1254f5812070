import * as Flags from '@oclif/core/flags'

import {VaultCommand} from '../lib/base-command.ts'
import {DEFAULT_UNLOCK, describeUntil, unlockableBackend, unlockSeconds} from '../lib/unlock/unlockable-backend.ts'

export interface UnlockResult {
  backend: string
  store: string
  until: string
}

export default class Unlock extends VaultCommand<typeof Unlock> {
  static override summary = 'Ask for the file store passphrase once and keep the store open for a while, for you only'
  static override description =
    'The passphrase (typed, or AWS_VAULT_FILE_PASSPHRASE) is checked on the store and kept in the Linux kernel user keyring with a timeout: in memory only, never on disk, out of reach of other users. Until it lapses or `vault lock` forgets it, every vault run, credential_process included, opens the store without asking. Unlocking again extends it.'

  static override enableJsonFlag = true
  static override flags = {
    for: Flags.string({default: DEFAULT_UNLOCK, description: 'How long the store stays unlocked (1s to 24h)'}),
  }

  static override examples = [
    '<%= config.bin %> unlock',
    '<%= config.bin %> unlock --for 8h',
    '<%= config.bin %> --backend file unlock --for 15m',
  ]

  protected async execute(): Promise<UnlockResult> {
    const seconds = unlockSeconds(this.flags.for)
    const entries = await this.registry.backends()
    this.reportPluginWarnings()
    const ctx = this.backendContext()
    const choices = entries.map((entry) => ({descriptor: entry.descriptor, pluginName: entry.plugin.name}))
    const {descriptor, unlocking} = await unlockableBackend(choices, this.flags.backend || undefined, ctx)
    const state = await unlocking.unlock(ctx, seconds)
    return {backend: descriptor.id, store: state.store, until: (state.until ?? new Date()).toISOString()}
  }

  protected override render(result: UnlockResult): void {
    this.log(`Unlocked the ${result.backend} store ${result.store} ${describeUntil(new Date(result.until))}.`)
  }
}
