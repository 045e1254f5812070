import {keyringError} from './errors.ts'

export const SCOPES = ['user', 'persistent'] as const
export type Scope = (typeof SCOPES)[number]

export interface KeyctlSettings {
  /** Which kernel keyring holds the named keyring. */
  scope: Scope
  /** The keyring the items live in, linked into the scope's keyring (aws-vault's service name). */
  ring: string
  /** The keyctl executable. */
  command: string
}

type Env = Readonly<Record<string, string | undefined>>

/** AWS_VAULT_KEYCTL_SCOPE, AWS_VAULT_KEYCTL_KEYRING and AWS_VAULT_KEYCTL_CMD, with aws-vault's layout as the default. */
export function resolveSettings(env: Env): KeyctlSettings {
  const scope = env.AWS_VAULT_KEYCTL_SCOPE || 'user'
  if (!(SCOPES as readonly string[]).includes(scope)) {
    throw keyringError('BACKEND_UNAVAILABLE', `AWS_VAULT_KEYCTL_SCOPE "${scope}" is not one of ${SCOPES.join(', ')}`)
  }
  const ring = env.AWS_VAULT_KEYCTL_KEYRING || 'aws-vault'
  return {scope: scope as Scope, ring, command: env.AWS_VAULT_KEYCTL_CMD || 'keyctl'}
}
