import {VaultCommand} from '../lib/base-command.ts'
import {storeName} from '../lib/unlock/unlockable-backend.ts'

export interface LockedStore {
  backend: string
  /** `keys`: the long-term store; `sessions`: the store of --session-backend. */
  holds: 'keys' | 'sessions'
  store: string
  /** Whether it was unlocked before. */
  wasUnlocked: boolean
}

export interface LockResult {
  stores: LockedStore[]
}

export default class Lock extends VaultCommand<typeof Lock> {
  static override summary = 'Forget what `vault unlock` kept: the file store asks for its passphrase again'
  static override description = 'The session store (--session-backend), when it is another store that unlocks, is locked too.'
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> lock']

  protected async execute(): Promise<LockResult> {
    const locked: LockedStore[] = []
    for (const {ctx, descriptor, holds, unlocking} of await this.vault.unlockableStores()) {
      const state = await unlocking.lock(ctx)
      locked.push({backend: descriptor.id, holds, store: state.store, wasUnlocked: state.unlocked})
    }
    return {stores: locked}
  }

  protected override render(result: LockResult): void {
    for (const store of result.stores) {
      this.log(store.wasUnlocked ? `Locked the ${storeName(store)}.` : `The ${storeName(store)} was not unlocked.`)
    }
  }
}
