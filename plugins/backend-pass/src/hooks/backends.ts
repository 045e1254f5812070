import type {BackendDescriptor} from '@vault-aws/cli/plugin-api'

// Describes only: finding pass and the store happens when asked, in modules loaded then.
const pass: BackendDescriptor = {
  id: 'pass',
  summary: 'GPG-encrypted entries in the pass password store (aws-vault compatible)',
  priority: 20,
  // gpg's pinentry, the one dialog pass can cause, is announced through ctx.beforeDialog.
  asksOnlyThroughContext: true,
  async isAvailable(ctx) {
    const {passAvailability} = await import('../availability.ts')
    return passAvailability(ctx)
  },
  async open(ctx) {
    const {openPassKeyring} = await import('../pass-keyring.ts')
    return openPassKeyring(ctx)
  },
  async location(ctx) {
    const {resolveSettings} = await import('../settings.ts')
    const {dir, prefix} = resolveSettings(ctx.env, ctx.homedir)
    return prefix ? `${dir}, under ${prefix}/` : dir
  },
}

export default async function backends(): Promise<BackendDescriptor[]> {
  return [pass]
}
