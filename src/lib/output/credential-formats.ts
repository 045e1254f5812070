import type {Credentials} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import {credentialShapeProblem, regionProblem} from './credential-shape.ts'
import {formatIso8601} from './iso8601.ts'

export const exportFormats = ['env', 'export-env', 'ini', 'json'] as const
export type ExportFormat = (typeof exportFormats)[number]

/** The variables `vault exec` and `vault export` hand out, in aws-vault v7's order. */
export function credentialVariables(credentials: Credentials, region?: string): [string, string][] {
  const variables: [string, string][] = [
    ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
  ]
  if (credentials.sessionToken) variables.push(['AWS_SESSION_TOKEN', credentials.sessionToken])
  if (credentials.expiration) variables.push(['AWS_CREDENTIAL_EXPIRATION', formatIso8601(credentials.expiration)])
  if (region) variables.push(['AWS_REGION', region], ['AWS_DEFAULT_REGION', region])
  return variables
}

/** The credential_process Version 1 object that AWS SDKs and the AWS CLI read, indented as aws-vault prints it. */
export function credentialProcessJson(credentials: Credentials): string {
  const output: Record<string, number | string> = {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
  }
  if (credentials.sessionToken) output.SessionToken = credentials.sessionToken
  if (credentials.expiration) output.Expiration = formatIso8601(credentials.expiration)
  return JSON.stringify(output, null, 2)
}

function iniSection(profileName: string, credentials: Credentials, region?: string): string {
  const entries: [string, string][] = [
    ['aws_access_key_id', credentials.accessKeyId],
    ['aws_secret_access_key', credentials.secretAccessKey],
  ]
  if (credentials.sessionToken) entries.push(['aws_session_token', credentials.sessionToken])
  if (credentials.expiration) entries.push(['aws_credential_expiration', formatIso8601(credentials.expiration)])
  if (region) entries.push(['region', region])
  // aws-vault writes key=value without spaces or alignment.
  return [`[${profileName}]`, ...entries.map(([key, value]) => `${key}=${value}`)].join('\n')
}

/**
 * Single quotes as POSIX shells, zsh and fish read them alike. Checked values hold no quote or
 * backslash (the one character fish reads differently inside single quotes), so this is belt and braces.
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/**
 * What `vault export` prints, once the credentials and region are known to be shaped as AWS's:
 * a value from a hostile STS or credential source must not become a command in
 * `eval "$(vault export p --format export-env)"`, a line of its own in `.env` or INI, or JSON.
 */
export function formatCredentials(format: ExportFormat, profileName: string, credentials: Credentials, region?: string): string {
  const problem = credentialShapeProblem(credentials) ?? (region === undefined ? undefined : regionProblem(region))
  if (problem) {
    throw new VaultError('CREDENTIALS_REFUSED', `refusing to print the credentials of profile "${profileName}": ${problem}`, {
      suggestions: [`check what gives them: \`vault describe ${profileName}\` shows its chain`],
    })
  }
  switch (format) {
    case 'env':
      return credentialVariables(credentials, region)
        .map(([name, value]) => `${name}=${value}`)
        .join('\n')
    case 'export-env':
      return credentialVariables(credentials, region)
        .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
        .join('\n')
    case 'ini':
      return iniSection(profileName, credentials, region)
    case 'json':
      return credentialProcessJson(credentials)
  }
}
