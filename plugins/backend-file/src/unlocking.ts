import type {BackendContext, BackendUnlocking, UnlockState} from '@vault-aws/cli/plugin-api'

import {FileKeyring, passphraseKeeper} from './file-keyring.ts'
import {noKeyctl} from './kept-passphrase.ts'
import {resolveStoreDir} from './store-dir.ts'

/** `vault unlock` / `vault lock` for the file store: the passphrase kept in the kernel user keyring. */
export const fileUnlocking: BackendUnlocking = {
  async unlock(ctx, seconds) {
    const {dir, keeper} = storeOf(ctx)
    if (!keeper.usable) throw noKeyctl()
    // The passphrase variable, else what is kept (unlocking again extends it), else the prompt.
    const store = new FileKeyring({
      dir,
      passphrase: ctx.env.AWS_VAULT_FILE_PASSPHRASE,
      keptPassphrase: () => keeper.read(),
      promptSecret: (message) => ctx.promptSecret(message),
      debug: (message) => ctx.debug(message),
      items: ctx.items,
      shareUntilFailure: ctx.shareUntilFailure,
    })
    const passphrase = await store.checkPassphrase()
    const until = await keeper.keep(passphrase, seconds)
    return {store: dir, unlocked: true, until}
  },

  async lock(ctx) {
    const {dir, keeper} = storeOf(ctx)
    const before = await keeper.entry()
    await keeper.forget()
    return {store: dir, unlocked: before !== undefined, ...(before ? {until: before.until} : {})}
  },

  async state(ctx) {
    const {dir, keeper} = storeOf(ctx)
    const entry = await keeper.entry()
    return {store: dir, unlocked: entry !== undefined, ...(entry ? {until: entry.until} : {})} satisfies UnlockState
  },
}

function storeOf(ctx: BackendContext) {
  const dir = resolveStoreDir(ctx.env, ctx.homedir)
  return {dir, keeper: passphraseKeeper(ctx, dir)}
}
