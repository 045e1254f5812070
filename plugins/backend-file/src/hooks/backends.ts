import type {BackendDescriptor} from '@vault-aws/cli/plugin-api'

// Describes only: the keyring and its crypto load when the backend is opened.
const file: BackendDescriptor = {
  id: 'file',
  summary: 'Encrypted files, one per item, in ~/.awsvault/keys (aws-vault compatible)',
  priority: 10,
  // Its one question, the passphrase, is asked through ctx.promptSecret.
  asksOnlyThroughContext: true,
  isAvailable: () => ({available: true, reason: 'needs only a writable directory and a passphrase'}),
  async open(ctx) {
    const {openFileKeyring} = await import('../file-keyring.ts')
    return openFileKeyring(ctx)
  },
  async location(ctx) {
    const {resolveStoreDir} = await import('../store-dir.ts')
    return resolveStoreDir(ctx.env, ctx.homedir)
  },
  unlocking: {
    unlock: async (ctx, seconds, options) => (await import('../unlocking.ts')).fileUnlocking.unlock(ctx, seconds, options),
    lock: async (ctx) => (await import('../unlocking.ts')).fileUnlocking.lock(ctx),
    state: async (ctx) => (await import('../unlocking.ts')).fileUnlocking.state(ctx),
  },
}

export default async function backends(): Promise<BackendDescriptor[]> {
  return [file]
}
