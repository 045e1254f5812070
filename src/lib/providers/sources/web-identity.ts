import {readFile} from 'node:fs/promises'

import type {CredentialProvider, ResolvedProfile, SourceDeps} from '../../plugin-api/index.ts'

import {VaultError} from '../../errors.ts'
import {defaultRoleSessionName} from '../chain.ts'
import {runConfiguredCommand} from './run-command.ts'

/** The token of web_identity_token_file (read afresh each time: it is rotated) or web_identity_token_process. */
async function webIdentityToken(profile: ResolvedProfile, deps: SourceDeps): Promise<string> {
  if (profile.webIdentityTokenFile) {
    try {
      return (await readFile(profile.webIdentityTokenFile, 'utf8')).trim()
    } catch (error) {
      throw new VaultError(
        'CONFIG_INVALID',
        `web_identity_token_file of profile "${profile.name}" cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        {
          cause: error,
          suggestions: [`check ${profile.webIdentityTokenFile}`],
        },
      )
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
