import {join} from 'node:path'

import {VaultError} from '../errors.ts'
import {parseSections} from './parse.ts'
import {isNotRegularFile, readRegularFile} from './regular-file.ts'
import {type ConfigSection, profileHeader} from './section.ts'

/** The keys aws-vault maps from a profile section; a `[default]` with none of them is not listed. */
export const PROFILE_KEYS = [
  'mfa_serial',
  'role_arn',
  'external_id',
  'region',
  'role_session_name',
  'duration_seconds',
  'source_profile',
  'include_profile',
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'web_identity_token_file',
  'web_identity_token_process',
  'sts_regional_endpoints',
  'session_tags',
  'transitive_session_tags',
  'source_identity',
  'credential_process',
  'mfa_process',
  'endpoint_url',
] as const

/** `~/.aws/config` as read: profiles and sso-sessions by name, in file order. */
export class AwsConfigFile {
  readonly path: string
  /** False when the file did not exist (it then reads as empty). */
  readonly exists: boolean
  private readonly sections: ConfigSection[]
  private readonly byHeader: Map<string, ConfigSection>

  constructor(path: string, sections: ConfigSection[], exists = true) {
    this.path = path
    this.exists = exists
    this.sections = sections
    this.byHeader = new Map(sections.map((section) => [section.header, section]))
  }

  /**
   * Profile names in file order, `[default]` as `default`. Like aws-vault, a `[default]`
   * holding none of the profile keys (only `output = json`, say) is left out.
   */
  profileNames(): string[] {
    return this.sections
      .filter((section) => section.kind === 'profile' || (section.kind === 'default' && holdsProfileKeys(section)))
      .map((section) => section.name)
  }

  /** True when the file has a section for the profile (`[default]` or `[profile NAME]`); names are case-sensitive. */
  hasProfile(name: string): boolean {
    return this.section(name) !== undefined
  }

  /** The profile's own section, if the file has one. */
  section(name: string): ConfigSection | undefined {
    return this.byHeader.get(profileHeader(name))
  }

  ssoSession(name: string): ConfigSection | undefined {
    return this.byHeader.get(`sso-session ${name}`)
  }

  ssoSessionNames(): string[] {
    return this.sections.filter((section) => section.kind === 'sso-session').map((section) => section.name)
  }

  /** Every section, profiles or not, in file order. */
  allSections(): readonly ConfigSection[] {
    return this.sections
  }

  /** `~/.aws/config line 12`, for messages. */
  where(line: number | undefined): string {
    return line === undefined ? this.path : `${this.path} line ${line}`
  }
}

// aws-vault maps the section onto a struct and calls it empty when every field is zero.
function holdsProfileKeys(section: ConfigSection): boolean {
  return PROFILE_KEYS.some((key) => {
    const value = section.get(key)
    return value !== undefined && !(key === 'duration_seconds' && /^0+$/.test(value))
  })
}

/** Parses the text of a config file; malformed lines throw CONFIG_INVALID naming the line. */
export function parseConfig(text: string, path: string): AwsConfigFile {
  return new AwsConfigFile(path, parseSections(text, path))
}

/** `AWS_CONFIG_FILE` when set (a leading `~/` is the home directory), else `~/.aws/config`. */
export function configPath(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const fromEnv = env.AWS_CONFIG_FILE
  if (!fromEnv) return join(homedir, '.aws', 'config')
  if (fromEnv === '~' || fromEnv.startsWith('~/')) return join(homedir, fromEnv.slice(1))
  return fromEnv
}

/** Reads the config file the environment points at; a missing file is an empty config. */
export async function loadConfigFile(env: Readonly<Record<string, string | undefined>>, homedir: string): Promise<AwsConfigFile> {
  const path = configPath(env, homedir)
  let text: string
  try {
    text = (await readRegularFile(path)).text
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return new AwsConfigFile(path, [], false)
    if (isNotRegularFile(error)) {
      throw new VaultError('CONFIG_INVALID', `the AWS config file ${path} is not a regular file (it is ${error.kind})`, {
        suggestions: ['point AWS_CONFIG_FILE at a regular file'],
      })
    }
    throw new VaultError('CONFIG_INVALID', `cannot read the AWS config file ${path} (${code ?? String(error)})`, {
      cause: error,
      suggestions: ['check that the file is readable, or point AWS_CONFIG_FILE at another file'],
    })
  }
  return parseConfig(text, path)
}
