import type {Credentials} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import {credentialVariables} from '../output/credential-formats.ts'

/** Variables a child must not inherit: they would point it at other credentials. */
const staleVariables = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_FILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_PROFILE',
  'AWS_SDK_LOAD_CONFIG',
  // Not aws-vault's behaviour: the file store's passphrase is a secret the child has no use for.
  'AWS_VAULT_FILE_PASSPHRASE',
] as const

/** The child's environment exactly as aws-vault v7 builds it. */
export function childEnvironment(
  parent: Readonly<Record<string, string | undefined>>,
  profileName: string,
  region: string | undefined,
  credentials?: Credentials,
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && !(staleVariables as readonly string[]).includes(name)) env[name] = value
  }
  env.AWS_VAULT = profileName
  if (region) {
    env.AWS_REGION = region
    env.AWS_DEFAULT_REGION = region
  }
  if (credentials) {
    for (const [name, value] of credentialVariables(credentials)) env[name] = value
  }
  return env
}

export function defaultShell(env: Readonly<Record<string, string | undefined>>): string {
  return env.SHELL || '/bin/sh'
}

/**
 * Credentials handed out inside a vault subshell would be mixed with the ones it already holds:
 * exec and export refuse there, as aws-vault does.
 */
export function refuseNestedSession(env: Readonly<Record<string, string | undefined>>): void {
  if (!env.AWS_VAULT) return
  throw new VaultError('NESTED_SESSION', `running in an existing vault subshell for "${env.AWS_VAULT}"`, {
    suggestions: ["'exit' from the subshell, or unset AWS_VAULT to force"],
  })
}
