import type {KeyringErrorCode} from '@vault-aws/cli/plugin-api'

export type KeyringError = Error & {code: KeyringErrorCode}

/** The plain error with a `code` that the host maps to its own messages. */
export function keyringError(code: KeyringErrorCode, message: string, cause?: unknown): KeyringError {
  const error = cause === undefined ? new Error(message) : new Error(message, {cause})
  return Object.assign(error, {code})
}

export function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as {code?: unknown}).code === code
}

export function notFound(key: string, where: string): KeyringError {
  return keyringError('ITEM_NOT_FOUND', `no item ${JSON.stringify(key)} in ${where}`)
}
