import type {BackendContext, BackendUnlocking, UnlockState} from '@vault-aws/cli/plugin-api'

import {hasCode} from './errors.ts'
import {FileKeyring, passphraseKeeper} from './file-keyring.ts'
import {noKeyctl} from './kept-passphrase.ts'
import {resolveStoreDir} from './store-dir.ts'

/** `vault unlock` / `vault lock` for the file store: the passphrase kept in the kernel user keyring. */
export const fileUnlocking: BackendUnlocking = {
  async unlock(ctx, seconds, options = {}) {
    const {dir, keeper} = storeOf(ctx)
    if (!keeper.usable) throw noKeyctl()
    const set = ctx.env.AWS_VAULT_FILE_PASSPHRASE
    const store = (passphrase: string | undefined) =>
      new FileKeyring({
        dir,
        ...(passphrase === undefined ? {} : {passphrase}),
        keptPassphrase: () => keeper.read(),
        promptSecret: (message) => ctx.promptSecret(message),
        debug: (message) => ctx.debug(message),
        items: ctx.items,
        shareUntilFailure: ctx.shareUntilFailure,
      })
    // The passphrase variable, else what is kept (unlocking again extends it), else the passphrase
    // that opened the run's first store if it opens this one too, else the prompt.
    const offered = options.carry?.passphrase
    let passphrase: string | undefined
    if (set === undefined && offered !== undefined && (await keeper.read()) === undefined) {
      passphrase = await store(offered)
        .checkPassphrase()
        .catch((error: unknown) => {
          if (hasCode(error, 'BAD_PASSPHRASE')) return undefined
          throw error
        })
      if (passphrase !== undefined) ctx.debug(`the passphrase of the first store opens ${dir} too`)
    }
    passphrase ??= await store(set).checkPassphrase()
    const until = await keeper.keep(passphrase, seconds)
    if (options.carry) options.carry.passphrase = passphrase
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
