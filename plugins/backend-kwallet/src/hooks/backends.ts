import type {BackendDescriptor} from '@vault-aws/cli/plugin-api'

// Describes only: the D-Bus client loads when the backend is probed or opened.
const kwallet: BackendDescriptor = {
  id: 'kwallet',
  summary: "KDE Wallet over its own D-Bus API, in aws-vault's wallet, folder and entries",
  // Below the Secret Service (which KWallet itself serves on Plasma 5.97 and later), above pass: aws-vault's order.
  priority: 25,
  async isAvailable(ctx) {
    const {kwalletAvailability} = await import('../availability.ts')
    return kwalletAvailability(ctx)
  },
  async open(ctx) {
    const {openKWalletKeyring} = await import('../kwallet-keyring.ts')
    return openKWalletKeyring(ctx)
  },
  async location(ctx) {
    const {FOLDER, walletName} = await import('../settings.ts')
    return `KWallet wallet "${walletName(ctx.env)}", folder "${FOLDER}"`
  },
}

// KWallet lives on Linux and BSD desktops; aws-vault offers it on Linux only.
const DESKTOPS: readonly NodeJS.Platform[] = ['linux', 'freebsd', 'openbsd']

export default async function backends(): Promise<BackendDescriptor[]> {
  return DESKTOPS.includes(process.platform) ? [kwallet] : []
}
