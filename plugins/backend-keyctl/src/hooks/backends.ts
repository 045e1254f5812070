import type {BackendDescriptor} from '@vault-aws/cli/plugin-api'

// Describes only: finding keyctl and probing the kernel happen when asked, in modules loaded then.
const keyctl: BackendDescriptor = {
  id: 'keyctl',
  summary: "The Linux kernel keyring through keyctl (aws-vault's layout); items do not survive a reboot",
  // Below the file backend: a store that a reboot empties is never chosen without being named.
  priority: 5,
  // The kernel keyring asks nothing.
  asksOnlyThroughContext: true,
  async isAvailable(ctx) {
    const {keyctlAvailability} = await import('../availability.ts')
    return keyctlAvailability(ctx)
  },
  async open(ctx) {
    const {openKeyctlKeyring} = await import('../keyctl-keyring.ts')
    return openKeyctlKeyring(ctx)
  },
  async location(ctx) {
    const {resolveSettings} = await import('../settings.ts')
    const {ring, scope} = resolveSettings(ctx.env)
    return `keyring "${ring}" in the ${scope} keyring`
  },
}

export default async function backends(): Promise<BackendDescriptor[]> {
  return [keyctl]
}
