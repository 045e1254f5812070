import type {KeyringErrorCode} from '@vault-aws/cli/plugin-api'

import {CALL_TIMEOUT, CONNECTION_LOST, DBusError} from '@vault-aws/plugin-backend-keyring/dbus'

export type KeyringError = Error & {code: KeyringErrorCode}

const CODES = new Set<string>(['ITEM_NOT_FOUND', 'BACKEND_LOCKED', 'BACKEND_UNAVAILABLE', 'BACKEND_CORRUPT'])

/** The plain error with a `code` that the host maps to its own messages. */
export function keyringError(code: KeyringErrorCode, message: string, cause?: unknown): KeyringError {
  const error = cause === undefined ? new Error(message) : new Error(message, {cause})
  return Object.assign(error, {code})
}

// The bus's answers when nobody owns a name, or when starting the daemon that would own it failed.
const NO_DAEMON = new Set([
  'org.freedesktop.DBus.Error.ServiceUnknown',
  'org.freedesktop.DBus.Error.NameHasNoOwner',
  'org.freedesktop.DBus.Error.Spawn.ChildExited',
  'org.freedesktop.DBus.Error.Spawn.ChildSignaled',
  'org.freedesktop.DBus.Error.Spawn.ExecFailed',
  'org.freedesktop.DBus.Error.Spawn.ServiceNotFound',
  'org.freedesktop.DBus.Error.NoReply',
])

export const NO_DAEMON_MESSAGE =
  'no KWallet daemon answers on the D-Bus session bus (neither org.kde.kwalletd6 nor org.kde.kwalletd5): start kwalletd6 or kwalletd5, or choose another backend'

/** The keyring error a failure of KWallet (or of the bus) stands for. */
export function translate(error: unknown, what: string): KeyringError {
  const code = (error as {code?: unknown} | undefined)?.code
  if (typeof code === 'string' && CODES.has(code)) return error as KeyringError
  if (error instanceof DBusError) {
    if (NO_DAEMON.has(error.dbusName)) return keyringError('BACKEND_UNAVAILABLE', `${NO_DAEMON_MESSAGE} (${error.dbusName})`, error)
    if (error.dbusName === CONNECTION_LOST || error.dbusName === CALL_TIMEOUT)
      return keyringError('BACKEND_UNAVAILABLE', error.message, error)
    return keyringError('BACKEND_UNAVAILABLE', `KWallet refused ${what}: ${error.dbusName}: ${error.message}`, error)
  }
  const message = error instanceof Error ? error.message : String(error)
  return keyringError('BACKEND_UNAVAILABLE', `${what} failed: ${message}`, error)
}
