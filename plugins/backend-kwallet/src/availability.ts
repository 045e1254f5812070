import type {Availability, BackendContext} from '@vault-aws/cli/plugin-api'

import {connectKWallet, type KWalletDaemon} from './daemon.ts'
import {DISABLED_REASON, hasDisplay, kwalletDisabled, walletName} from './settings.ts'

// `vault backends` and the default choice wait for this at most, per step.
export const PROBE_TIMEOUT_MS = 3000

/**
 * Whether KWallet can be used here now, and why not. Never opens a wallet, never shows a dialog and never
 * starts the daemon. Without a display a wallet that needs a dialog (closed, or not created yet) is
 * unavailable, so a headless run falls through to the next backend instead of waiting for a dialog nobody sees.
 */
export async function kwalletAvailability(ctx: BackendContext): Promise<Availability> {
  if (kwalletDisabled(ctx.env)) return {available: false, reason: DISABLED_REASON}
  let daemon: KWalletDaemon
  try {
    daemon = await connectKWallet(ctx.env, PROBE_TIMEOUT_MS)
  } catch (error) {
    return {available: false, reason: (error as Error).message}
  }
  try {
    const wallet = JSON.stringify(walletName(ctx.env))
    const display = hasDisplay(ctx.env)
    const name = daemon.address.name
    if (!daemon.running) {
      if (!display) return {available: false, reason: `KWallet's daemon (${name}) is not running and there is no display for its dialogs`}
      return {available: true, reason: `KWallet (${name}, started on first use), wallet ${wallet}`}
    }
    if (!(await daemon.wallets(PROBE_TIMEOUT_MS)).includes(walletName(ctx.env))) {
      if (!display) return {available: false, reason: `the KWallet wallet ${wallet} does not exist and there is no display to create it on`}
      return {available: true, reason: `KWallet (${name}); wallet ${wallet} is created on the first write`}
    }
    if (!(await daemon.isWalletOpen(walletName(ctx.env), PROBE_TIMEOUT_MS))) {
      if (!display)
        return {available: false, reason: `the KWallet wallet ${wallet} is closed and there is no display to ask for its password on`}
      return {available: true, reason: `KWallet (${name}), wallet ${wallet} (closed: KWallet asks for its password)`}
    }
    return {available: true, reason: `KWallet (${name}), wallet ${wallet} (open)`}
  } catch (error) {
    const {translate} = await import('./errors.ts')
    return {available: false, reason: translate(error, 'probing KWallet').message}
  } finally {
    daemon.close()
  }
}
