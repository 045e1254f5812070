import {VaultError} from '../errors.ts'

export interface ProfileArgumentOptions {
  /** The command as typed, for the messages (`vault exec`). */
  command: string
  env: Readonly<Record<string, string | undefined>>
  /** Whether a person is at a terminal who can pick one. */
  interactive: boolean
  /** The profiles to offer, read only when they are offered. */
  profileNames(): Promise<string[]>
  choose(message: string, choices: readonly string[]): Promise<string>
}

/**
 * The profile a command works on when none is given: $AWS_PROFILE, as the AWS CLI and SDKs read it;
 * otherwise one picked from a searchable list on a terminal; otherwise a one-line usage error.
 */
export async function profileArgument(given: string | undefined, options: ProfileArgumentOptions): Promise<string> {
  if (given) return given
  if (options.env.AWS_PROFILE) return options.env.AWS_PROFILE
  const usage = `${options.command} <profile>`
  if (!options.interactive) {
    throw new VaultError('USAGE', `missing profile: ${usage}`, {suggestions: ['name a profile, or set AWS_PROFILE']})
  }
  const names = await options.profileNames()
  if (names.length === 0) {
    throw new VaultError('USAGE', `missing profile: ${usage}, and ~/.aws/config has no profiles to choose from`, {
      suggestions: ['add one with `vault add <name>`'],
    })
  }
  return options.choose('Profile (type to search)', names)
}
