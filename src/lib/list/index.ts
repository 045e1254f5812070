// What `vault list` finds and prints: the config's profiles, the stored keys, the sessions and SSO tokens.
// The command and the start path that answers `vault list` before oclif loads both go through here.
import {VaultError} from '../errors.ts'
import {CredentialStore} from '../keyring/credential-store.ts'
import {isOidcTokenKey} from '../keyring/session-key.ts'
import {SessionStore} from '../keyring/session-store.ts'
import {formatDuration} from '../output/duration.ts'
import {formatTabwriterTable} from '../output/tabwriter.ts'
import {printable} from '../printable.ts'
import type {VaultContext} from '../vault-context.ts'

export interface ListedSession {
  type: string
  profile: string
  mfaSerial: string
  expiration: string
  /** Negative once expired: aws-vault lists expired sessions too, until they are collected. */
  remainingSeconds: number
}

export interface ListedProfile {
  profile: string | null
  credentials: string | null
  sessions: ListedSession[]
}

export type ListMode = 'credentials' | 'profiles' | 'sessions' | 'table'

export interface ListResult {
  mode: ListMode
  profiles: ListedProfile[]
  sessions: ListedSession[]
  /** Start URLs with a cached SSO token (aws-vault's `oidc:<start url>` items). */
  ssoTokens: string[]
}

/** The mode the flags ask for; two at once is refused (not oclif's `exclusive`, which also counts kingpin's negations). */
export function listMode(flags: {credentials?: boolean; profiles?: boolean; sessions?: boolean}): ListMode {
  const chosen = (['credentials', 'profiles', 'sessions'] as const).filter((flag) => flags[flag])
  if (chosen.length > 1) {
    throw new VaultError('USAGE', `--${chosen[0]} and --${chosen[1]} cannot be used together`, {suggestions: ['see `vault list --help`']})
  }
  return chosen[0] ?? 'table'
}

/** What `vault list` shows in `mode`; only the profile names need no backend. */
export async function listVault(vault: VaultContext, mode: ListMode): Promise<ListResult> {
  const config = await vault.awsConfig()
  const profileNames = config.profileNames()
  if (mode === 'profiles') {
    return {mode, profiles: profileNames.map((profile) => ({credentials: null, profile, sessions: []})), sessions: [], ssoTokens: []}
  }
  const keyring = await vault.keyring()
  const credentialNames = await new CredentialStore(keyring).keys()
  const sessionKeyring = await vault.sessionKeyring()
  const ssoTokens = (await sessionKeyring.keys()).filter(isOidcTokenKey).map((key) => key.slice('oidc:'.length))
  const now = Date.now()
  const sessions: ListedSession[] = (await new SessionStore(sessionKeyring).list()).map((session) => ({
    expiration: session.expiration.toISOString(),
    mfaSerial: session.mfaSerial,
    profile: session.profileName,
    // Go's time.Until(expiration).Truncate(time.Second): toward zero.
    remainingSeconds: Math.trunc((session.expiration.getTime() - now) / 1000),
    type: session.type,
  }))
  const stored = new Set(credentialNames)
  const profiles: ListedProfile[] = profileNames.map((profile) => ({
    credentials: stored.has(profile) ? profile : null,
    profile,
    sessions: sessions.filter((session) => session.profile === profile),
  }))
  const known = new Set(profileNames)
  for (const name of credentialNames) {
    if (!known.has(name)) profiles.push({credentials: name, profile: null, sessions: []})
  }
  if (mode === 'credentials') {
    return {
      mode,
      profiles: credentialNames.map((name) => ({credentials: name, profile: known.has(name) ? name : null, sessions: []})),
      sessions,
      ssoTokens,
    }
  }
  return {mode, profiles, sessions, ssoTokens}
}

/** The lines `vault list` prints for a result, each ended by a newline when printed. */
export function listLines(result: ListResult): string[] {
  switch (result.mode) {
    case 'profiles':
      return result.profiles.map((entry) => printable(entry.profile ?? ''))
    case 'credentials':
      return result.profiles.map((entry) => printable(entry.credentials ?? ''))
    case 'sessions':
      return allSessionLabels(result)
    case 'table':
      return [formatTabwriterTable(tableRows(result))]
  }
}

/** aws-vault's labels: SSO tokens first, then every session in store order. */
function allSessionLabels(result: ListResult): string[] {
  return [...result.ssoTokens.map((url) => `oidc:${printable(url)}`), ...result.sessions.map(sessionLabel)]
}

/**
 * The rows of aws-vault v7.2's table: the config's profiles with their sessions, stored keys
 * without a profile, then whatever session label was not shown yet (sessions of profiles that
 * are not in the config, and SSO tokens, which aws-vault never ties to a profile).
 */
function tableRows(result: ListResult): string[][] {
  const rows = [
    ['Profile', 'Credentials', 'Sessions'],
    ['=======', '===========', '========'],
  ]
  const shown = new Set<string>()
  for (const entry of result.profiles) {
    if (entry.profile === null) continue
    const labels = entry.sessions.map(sessionLabel)
    for (const label of labels) shown.add(label)
    rows.push([printable(entry.profile), entry.credentials === null ? '-' : printable(entry.credentials), labels.join(', ') || '-'])
  }
  for (const entry of result.profiles) if (entry.profile === null && entry.credentials) rows.push(['-', printable(entry.credentials), '-'])
  for (const label of allSessionLabels(result)) if (!shown.has(label)) rows.push(['-', '-', label])
  return rows
}

function sessionLabel(session: ListedSession): string {
  return `${printable(session.type)}:${formatDuration(session.remainingSeconds)}`
}
