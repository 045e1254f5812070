import * as Flags from '@oclif/core/flags'

import {VaultCommand} from '../lib/base-command.ts'
import {VaultError} from '../lib/errors.ts'
import {CredentialStore} from '../lib/keyring/credential-store.ts'
import {SessionStore} from '../lib/keyring/session-store.ts'
import {formatColumns} from '../lib/output/columns.ts'
import {printable} from '../lib/output/printable.ts'
import {formatRemaining} from '../lib/output/remaining.ts'

export interface ListedSession {
  type: string
  profile: string
  mfaSerial: string
  expiration: string
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
    const config = await this.awsConfig()
    const profileNames = config.profileNames()
    if (mode === 'profiles') {
      return {mode, profiles: profileNames.map((profile) => ({credentials: null, profile, sessions: []})), sessions: []}
    }
    const keyring = await this.keyring()
    const credentialNames = await new CredentialStore(keyring).keys()
    const now = Date.now()
    const sessions: ListedSession[] = (await new SessionStore(keyring).list()).map((session) => ({
      expiration: session.expiration.toISOString(),
      mfaSerial: session.mfaSerial,
      profile: session.profileName,
      remainingSeconds: Math.max(0, Math.floor((session.expiration.getTime() - now) / 1000)),
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
      }
    }
    return {mode, profiles, sessions}
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
        for (const session of result.sessions) this.log(sessionLabel(session))
        return
      case 'table': {
        const rows = [
          ['Profile', 'Credentials', 'Sessions'],
          ['=======', '===========', '========'],
          ...result.profiles.map((entry) => [
            entry.profile === null ? '-' : printable(entry.profile),
            entry.credentials === null ? '-' : printable(entry.credentials),
            entry.sessions.map((session) => `${session.type}:${formatRemaining(session.remainingSeconds)}`).join(', ') || '-',
          ]),
        ]
        this.log(formatColumns(rows))
      }
    }
  }
}

function sessionLabel(session: ListedSession): string {
  const mfa = session.mfaSerial ? ' (mfa)' : ''
  return `${session.type} ${printable(session.profile)}${mfa} ${formatRemaining(session.remainingSeconds)}`
}
