import type {CredentialProvider, ResolvedProfile, SourceDeps} from '../../plugin-api/index.ts'

import {isNotRegularFile, isTooLarge, readRegularFile} from '../../config/regular-file.ts'
import {VaultError} from '../../errors.ts'
import {defaultRoleSessionName} from '../chain.ts'
import {runConfiguredCommand} from './run-command.ts'

/**
 * The most a web_identity_token_file may hold: STS takes a token of at most 20,000 characters, so
 * this leaves room for whitespace and never reads a device or a runaway file without end.
 */
const TOKEN_FILE_MAX_BYTES = 64 * 1024

/** The token of web_identity_token_file (read afresh each time: it is rotated) or web_identity_token_process. */
async function webIdentityToken(profile: ResolvedProfile, deps: SourceDeps): Promise<string> {
  const path = profile.webIdentityTokenFile
  if (path) {
    const what = `web_identity_token_file of profile "${profile.name}"`
    try {
      return (await readRegularFile(path, {maxBytes: TOKEN_FILE_MAX_BYTES})).text.trim()
    } catch (error) {
      const suggestions = [`point web_identity_token_file at the file that holds the token, not ${path}`]
      if (isNotRegularFile(error))
        throw new VaultError('CONFIG_INVALID', `${what} is not a regular file (it is ${error.kind})`, {suggestions})
      if (isTooLarge(error)) {
        throw new VaultError('CONFIG_INVALID', `${what} holds more than ${TOKEN_FILE_MAX_BYTES / 1024} KiB: not a web identity token`, {
          suggestions,
        })
      }
      throw new VaultError('CONFIG_INVALID', `${what} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
        cause: error,
        suggestions: [`check ${path}`],
      })
    }
  }
  const {stdout} = await runConfiguredCommand(
    profile.webIdentityTokenProcess ?? '',
    `web_identity_token_process of profile "${profile.name}"`,
    deps.env,
  )
  return stdout.trim()
}

export function webIdentityProvider(profile: ResolvedProfile, deps: SourceDeps): CredentialProvider {
  return async () => {
    if (!profile.roleArn) {
      throw new VaultError('CONFIG_INVALID', `profile "${profile.name}" has a web identity token but no role_arn`, {
        suggestions: ['add role_arn to the profile'],
      })
    }
    const token = await webIdentityToken(profile, deps)
    const {assumeRoleWithWebIdentity, resolveStsTarget} = await import('../../sts/index.ts')
    const {target} = resolveStsTarget(profile, deps.env)
    deps.debug(`profile ${profile.name}: AssumeRoleWithWebIdentity ${profile.roleArn} for ${profile.assumeRoleDuration}s`)
    return assumeRoleWithWebIdentity(target, {
      durationSeconds: profile.assumeRoleDuration,
      roleArn: profile.roleArn,
      roleSessionName: profile.roleSessionName || defaultRoleSessionName(new Date()),
      webIdentityToken: token,
    })
  }
}
