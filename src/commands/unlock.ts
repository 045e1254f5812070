import * as Flags from '@oclif/core/flags'

import type {BackendDescriptor, UnlockOptions} from '../lib/plugin-api/index.ts'
import {VaultCommand} from '../lib/base-command.ts'
import {DEFAULT_UNLOCK, describeUntil, storeName, unlockSeconds} from '../lib/unlock/unlockable-backend.ts'

export interface UnlockedStore {
  backend: string
  /** `keys`: the long-term store; `sessions`: the store of --session-backend. */
  holds: 'keys' | 'sessions'
  store: string
  until: string
}

export interface UnlockResult {
  stores: UnlockedStore[]
}

export default class Unlock extends VaultCommand<typeof Unlock> {
  static override summary = 'Ask for the file store passphrase once and keep the store open for a while, for you only'
  static override description =
    'The passphrase (typed, or AWS_VAULT_FILE_PASSPHRASE) is checked on the store and kept in the Linux kernel user keyring with a timeout: in memory only, never on disk, out of reach of other users. Until it lapses or `vault lock` forgets it, every vault run, credential_process included, opens the store without asking. Unlocking again extends it.\n\nWhen sessions have a store of their own (--session-backend file with AWS_VAULT_SESSION_FILE_DIR), it is unlocked too, for the same time. Its passphrase is AWS_VAULT_SESSION_FILE_PASSPHRASE (else AWS_VAULT_FILE_PASSPHRASE, as every run reads it), else what is kept for it, else the passphrase that just unlocked the long-term store if it opens this one too (an empty session store takes it), else it is asked for.'

  static override enableJsonFlag = true
  static override flags = {
    for: Flags.string({default: DEFAULT_UNLOCK, description: 'How long the store stays unlocked (1s to 24h)'}),
  }

  static override examples = [
    '<%= config.bin %> unlock',
    '<%= config.bin %> unlock --for 8h',
    '<%= config.bin %> --backend file unlock --for 15m',
    '<%= config.bin %> --session-backend file unlock',
  ]

  protected async execute(): Promise<UnlockResult> {
    const seconds = unlockSeconds(this.flags.for)
    const stores = await this.vault.unlockableStores()
    // What opened one store of a backend is offered to its next store in this run, never to another backend.
    const carried = new Map<BackendDescriptor, NonNullable<UnlockOptions['carry']>>()
    const unlocked: UnlockedStore[] = []
    for (const {ctx, descriptor, holds, unlocking} of stores) {
      const carry = carried.get(descriptor) ?? {}
      carried.set(descriptor, carry)
      const state = await unlocking.unlock(ctx, seconds, {carry})
      unlocked.push({backend: descriptor.id, holds, store: state.store, until: (state.until ?? new Date()).toISOString()})
    }
    return {stores: unlocked}
  }

  protected override render(result: UnlockResult): void {
    for (const store of result.stores) {
      this.log(`Unlocked the ${storeName(store)} ${describeUntil(new Date(store.until))}.`)
    }
  }
}
