import type {KeyringErrorCode} from '@vault-aws/cli/plugin-api'

export type KeyringError = Error & {code: KeyringErrorCode}

/** The plain error with a `code` that the host maps to its own messages. */
export function keyringError(code: KeyringErrorCode, message: string): KeyringError {
  return Object.assign(new Error(message), {code})
}
