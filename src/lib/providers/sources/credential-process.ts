import type {Credentials, CredentialProvider, ResolvedProfile, SourceDeps} from '../../plugin-api/index.ts'

import {VaultError} from '../../errors.ts'
import {runConfiguredCommand} from './run-command.ts'

/**
 * Parses what a credential_process prints, accepting everything the AWS specification allows
 * (unlike aws-vault): no SessionToken for long-term keys, no Expiration for keys that do not
 * expire, any ISO 8601 time with an offset or fractions, and fields added later (AccountId, …).
 */
export function parseCredentialProcessOutput(stdout: string, what: string): Credentials {
  let output: Record<string, unknown>
  try {
    output = JSON.parse(stdout) as Record<string, unknown>
  } catch {
    throw invalid(what, 'its output is not JSON')
  }
  if (typeof output !== 'object' || output === null || Array.isArray(output)) throw invalid(what, 'its output is not a JSON object')
  if (output.Version !== 1 && output.Version !== '1') throw invalid(what, `"Version" must be 1, not ${JSON.stringify(output.Version)}`)
  const {AccessKeyId, SecretAccessKey, SessionToken, Expiration} = output
  if (typeof AccessKeyId !== 'string' || AccessKeyId === '') throw invalid(what, '"AccessKeyId" is missing')
  if (typeof SecretAccessKey !== 'string' || SecretAccessKey === '') throw invalid(what, '"SecretAccessKey" is missing')
  const credentials: Credentials = {accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey}
  if (typeof SessionToken === 'string' && SessionToken !== '') credentials.sessionToken = SessionToken
  if (Expiration !== undefined && Expiration !== null && Expiration !== '') {
    const expiration = typeof Expiration === 'string' ? new Date(Expiration) : undefined
    if (!expiration || Number.isNaN(expiration.getTime())) throw invalid(what, '"Expiration" is not an ISO 8601 time')
    credentials.expiration = expiration
  }
  return credentials
}

function invalid(what: string, why: string): VaultError {
  return new VaultError('COMMAND_FAILED', `${what} printed no usable credentials: ${why}`, {
    suggestions: [
      'a credential_process prints {"Version": 1, "AccessKeyId": …, "SecretAccessKey": …} and optionally SessionToken and Expiration',
    ],
  })
}

export function credentialProcessProvider(profile: ResolvedProfile, deps: SourceDeps): CredentialProvider {
  const command = profile.credentialProcess ?? ''
  const what = `credential_process of profile "${profile.name}"`
  return async () => {
    deps.debug(`profile ${profile.name}: running its credential_process`)
    const {stdout} = await runConfiguredCommand(command, what, deps.env)
    return parseCredentialProcessOutput(stdout, what)
  }
}
