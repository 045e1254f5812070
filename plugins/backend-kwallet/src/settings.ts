// Where aws-vault keeps its items in KWallet. aws-vault v7 has no setting for any of these: its keyring
// library names the wallet after the service ("aws-vault") and aws-vault sets the application id and the
// folder to "aws-vault" as well.
export const DEFAULT_WALLET = 'aws-vault'
export const FOLDER = 'aws-vault'
/** The application KWallet's access control knows: the same as aws-vault's, so a permission given to one holds for both. */
export const APP_ID = 'aws-vault'

type Env = Readonly<Record<string, string | undefined>>

/** The wallet: aws-vault's unless AWS_VAULT_KWALLET_WALLET names another (e.g. `kdewallet`, opened at login by kwallet-pam). */
export function walletName(env: Env): string {
  return env.AWS_VAULT_KWALLET_WALLET || DEFAULT_WALLET
}

/** aws-vault's keyring library leaves KWallet out when DISABLE_KWALLET=1; so does vault. */
export function kwalletDisabled(env: Env): boolean {
  return env.DISABLE_KWALLET === '1'
}

export const DISABLED_REASON = 'KWallet is turned off by DISABLE_KWALLET=1'

/** Whether the user can see KWallet's password and new-wallet dialogs (shown by the daemon, on the desktop). */
export function hasDisplay(env: Env): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY)
}
