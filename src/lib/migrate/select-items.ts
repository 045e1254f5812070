import {isOldSessionKey} from '../providers/clear-sessions.ts'
import {isMigrateProbeKey} from '../keyring/probe-key.ts'
import {isOidcTokenKey, parseSessionKey} from '../keyring/session-key.ts'

export type ItemKind = 'credentials' | 'session' | 'sso-token'

export interface SelectedItem {
  key: string
  kind: ItemKind
  /** The profile the item belongs to (credentials and sessions); SSO tokens belong to a start URL. */
  profile?: string
}

export interface SelectOptions {
  /** Only these profiles (their credentials, and their sessions when included); all when empty. */
  profiles: readonly string[]
  /** Include live sessions and SSO tokens. */
  sessions: boolean
  /** The sso_start_url of the selected profiles: their SSO tokens go with them. */
  ssoStartUrls?: readonly string[]
  now: Date
}

/**
 * The source keys a migration moves, in a stable order: long-term credentials first, then (when
 * asked) sessions that have not expired and SSO tokens. Expired sessions and the key formats of
 * aws-vault releases before v6 are cache litter and stay behind.
 */
export function selectItems(keys: readonly string[], options: SelectOptions): SelectedItem[] {
  const wanted = new Set(options.profiles)
  const all = wanted.size === 0
  const urls = new Set(options.ssoStartUrls ?? [])
  const credentials: SelectedItem[] = []
  const sessions: SelectedItem[] = []
  const tokens: SelectedItem[] = []
  for (const key of [...keys].sort()) {
    const session = parseSessionKey(key)
    if (session !== undefined) {
      if (options.sessions && session.expiration > options.now && (all || wanted.has(session.profileName))) {
        sessions.push({key, kind: 'session', profile: session.profileName})
      }
      continue
    }
    if (isOidcTokenKey(key)) {
      if (options.sessions && (all || urls.has(key.slice('oidc:'.length)))) tokens.push({key, kind: 'sso-token'})
      continue
    }
    if (isOldSessionKey(key) || isMigrateProbeKey(key)) continue
    if (all || wanted.has(key)) credentials.push({key, kind: 'credentials', profile: key})
  }
  return [...credentials, ...sessions, ...tokens]
}

/** Whether a cached SSO token can still be used: not expired, or refreshable with a live client registration. */
export function isLiveSsoToken(data: Uint8Array, now: Date): boolean {
  try {
    const stored = JSON.parse(Buffer.from(data).toString('utf8')) as {
      Expiration?: string
      Token?: {RefreshToken?: string}
      Client?: {ClientSecretExpiresAt?: number}
    }
    if (stored.Expiration && new Date(stored.Expiration).getTime() > now.getTime()) return true
    const clientExpiry = stored.Client?.ClientSecretExpiresAt
    return Boolean(stored.Token?.RefreshToken) && typeof clientExpiry === 'number' && clientExpiry * 1000 > now.getTime()
  } catch {
    return false
  }
}
