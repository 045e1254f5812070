import * as Flags from '@oclif/core/flags'

import {VaultCommand} from '../lib/base-command.ts'
import {VaultError} from '../lib/errors.ts'
import {CredentialStore} from '../lib/keyring/credential-store.ts'
import {SessionStore} from '../lib/keyring/session-store.ts'
import {isOidcTokenKey} from '../lib/keyring/session-key.ts'
import {printable} from '../lib/printable.ts'
import {formatDuration} from '../lib/output/duration.ts'
import {formatTabwriterTable} from '../lib/output/tabwriter.ts'

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

export interface ListResult {
  mode: 'credentials' | 'profiles' | 'sessions' | 'table'
  profiles: ListedProfile[]
  sessions: ListedSession[]
  /** Start URLs with a cached SSO token (aws-vault's `oidc:<start url>` items). */
  ssoTokens: string[]
}

export default class List extends VaultCommand<typeof List> {
  static override summary = 'List profiles, along with their credentials and sessions'
  static override aliases = ['ls']
  static override enableJsonFlag = true
  static override flags = {
    credentials: Flags.boolean({allowNo: true, default: false, description: 'Show only the profiles with stored credentials'}),
    profiles: Flags.boolean({allowNo: true, default: false, description: 'Show only the profile names'}),
    sessions: Flags.boolean({allowNo: true, default: false, description: 'Show only the session names'}),
  }

  protected async execute(): Promise<ListResult> {
    // Not oclif's `exclusive`, which also counts kingpin's negations (`--no-profiles --sessions`).
    const chosen = (['credentials', 'profiles', 'sessions'] as const).filter((flag) => this.flags[flag])
    if (chosen.length > 1) {
      throw new VaultError('USAGE', `--${chosen[0]} and --${chosen[1]} cannot be used together`, {suggestions: ['see `vault list --help`']})
    }
    const mode = this.flags.profiles ? 'profiles' : this.flags.credentials ? 'credentials' : this.flags.sessions ? 'sessions' : 'table'
    const config = await this.vault.awsConfig()
    const profileNames = config.profileNames()
    if (mode === 'profiles') {
      return {mode, profiles: profileNames.map((profile) => ({credentials: null, profile, sessions: []})), sessions: [], ssoTokens: []}
    }
    const keyring = await this.vault.keyring()
    const credentialNames = await new CredentialStore(keyring).keys()
    const sessionKeyring = await this.vault.sessionKeyring()
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

  protected override render(result: ListResult): void {
    switch (result.mode) {
      case 'profiles':
        for (const entry of result.profiles) this.log(printable(entry.profile ?? ''))
        return
      case 'credentials':
        for (const entry of result.profiles) this.log(printable(entry.credentials ?? ''))
        return
      case 'sessions':
        for (const label of allSessionLabels(result)) this.log(label)
        return
      case 'table':
        this.log(formatTabwriterTable(tableRows(result)))
    }
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
