import {VaultCommand} from '../lib/base-command.ts'
import {unlockableBackend} from '../lib/unlock/unlockable-backend.ts'

export interface LockResult {
  backend: string
  store: string
  /** Whether it was unlocked before. */
  wasUnlocked: boolean
}

export default class Lock extends VaultCommand<typeof Lock> {
  static override summary = 'Forget what `vault unlock` kept: the file store asks for its passphrase again'
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> lock']

  protected async execute(): Promise<LockResult> {
    const entries = await this.registry.backends()
    this.reportPluginWarnings()
    const ctx = this.backendContext()
    const choices = entries.map((entry) => ({descriptor: entry.descriptor, pluginName: entry.plugin.name}))
    const {descriptor, unlocking} = await unlockableBackend(choices, this.flags.backend || undefined, ctx)
    const state = await unlocking.lock(ctx)
    return {backend: descriptor.id, store: state.store, wasUnlocked: state.unlocked}
  }

  protected override render(result: LockResult): void {
    this.log(
      result.wasUnlocked
        ? `Locked the ${result.backend} store ${result.store}.`
        : `The ${result.backend} store ${result.store} was not unlocked.`,
    )
  }
}
