import {CALL_TIMEOUT, CONNECTION_LOST, DBusError} from '../dbus/client.ts'
import {hasCode, keyringError, type KeyringError} from '../errors.ts'
import {PromptDismissed} from './service.ts'

const NO_SERVICE = new Set([
  'org.freedesktop.DBus.Error.ServiceUnknown',
  'org.freedesktop.DBus.Error.NameHasNoOwner',
  'org.freedesktop.DBus.Error.Spawn.ChildExited',
  'org.freedesktop.DBus.Error.Spawn.ExecFailed',
  'org.freedesktop.DBus.Error.Spawn.ServiceNotFound',
])

export const NO_SECRET_SERVICE =
  'no Secret Service answers on the D-Bus session bus (start gnome-keyring, KWallet or KeePassXC with its Secret Service integration)'

/** The keyring error a failure of the Secret Service (or of the bus) stands for. */
export function translate(error: unknown, what: string): KeyringError {
  if (
    hasCode(error, 'ITEM_NOT_FOUND') ||
    hasCode(error, 'BACKEND_LOCKED') ||
    hasCode(error, 'BACKEND_UNAVAILABLE') ||
    hasCode(error, 'BACKEND_CORRUPT')
  ) {
    return error as KeyringError
  }
  if (error instanceof PromptDismissed) {
    return keyringError(error.kind === 'unlock' ? 'BACKEND_LOCKED' : 'BACKEND_UNAVAILABLE', `${what}: ${error.message}`, error)
  }
  if (error instanceof DBusError) {
    if (error.dbusName === 'org.freedesktop.Secret.Error.IsLocked') {
      return keyringError('BACKEND_LOCKED', `the Secret Service keyring is locked (${what})`, error)
    }
    if (NO_SERVICE.has(error.dbusName)) return keyringError('BACKEND_UNAVAILABLE', NO_SECRET_SERVICE, error)
    if (error.dbusName === CONNECTION_LOST || error.dbusName === CALL_TIMEOUT) {
      return keyringError('BACKEND_UNAVAILABLE', error.message, error)
    }
    return keyringError('BACKEND_UNAVAILABLE', `the Secret Service refused ${what}: ${error.dbusName}: ${error.message}`, error)
  }
  const message = error instanceof Error ? error.message : String(error)
  return keyringError('BACKEND_UNAVAILABLE', `${what} failed: ${message}`, error)
}
