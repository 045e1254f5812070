import type {Credentials, Keyring} from '../plugin-api/index.ts'

import {errorCode} from '../errors.ts'
import {formatSessionKey, parseSessionKey, type SessionMetadata} from './session-key.ts'

/** The JSON aws-vault v7 stores for sessions (the STS Credentials structure). */
interface StoredSession {
  AccessKeyId: string
  SecretAccessKey: string
  SessionToken: string
  Expiration: string
}

export interface StoredSessionEntry extends SessionMetadata {
  key: string
}

export function encodeSession(credentials: Credentials): Uint8Array {
  const stored: StoredSession = {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken ?? '',
    Expiration: (credentials.expiration ?? new Date(0)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }
  return Buffer.from(JSON.stringify(stored), 'utf8')
}

export function decodeSession(data: Uint8Array): Credentials | undefined {
  try {
    const stored = JSON.parse(Buffer.from(data).toString('utf8')) as Partial<StoredSession>
    if (typeof stored.AccessKeyId !== 'string' || typeof stored.SecretAccessKey !== 'string') return undefined
    const credentials: Credentials = {accessKeyId: stored.AccessKeyId, secretAccessKey: stored.SecretAccessKey}
    if (stored.SessionToken) credentials.sessionToken = stored.SessionToken
    if (stored.Expiration) credentials.expiration = new Date(stored.Expiration)
    return credentials
  } catch {
    return undefined
  }
}

/** Cached temporary credentials, keyed as aws-vault keys them. */
export class SessionStore {
  readonly keyring: Keyring

  constructor(keyring: Keyring) {
    this.keyring = keyring
  }

  async list(): Promise<StoredSessionEntry[]> {
    const entries: StoredSessionEntry[] = []
    for (const key of await this.keyring.keys()) {
      const meta = parseSessionKey(key)
      if (meta) entries.push({...meta, key})
    }
    return entries
  }

  /** The live session for (type, profile, mfa serial) with the latest expiry, if any. */
  async find(type: string, profileName: string, mfaSerial: string, now = new Date()): Promise<Credentials | undefined> {
    const candidates = (await this.list())
      .filter((s) => s.type === type && s.profileName === profileName && s.mfaSerial === mfaSerial && s.expiration > now)
      .sort((a, b) => b.expiration.getTime() - a.expiration.getTime())
    for (const candidate of candidates) {
      try {
        const item = await this.keyring.get(candidate.key)
        const credentials = decodeSession(item.data)
        if (credentials) return credentials
      } catch (error) {
        if (errorCode(error) !== 'ITEM_NOT_FOUND') throw error
      }
    }
    return undefined
  }

  async save(type: string, profileName: string, mfaSerial: string, credentials: Credentials): Promise<void> {
    const expiration = credentials.expiration ?? new Date()
    const key = formatSessionKey({type, profileName, mfaSerial, expiration})
    await this.keyring.set({
      key,
      data: encodeSession(credentials),
      label: `aws-vault session for ${profileName} (expires ${expiration.toISOString()})`,
      description: 'aws-vault session',
    })
  }

  /** Removes the sessions of one profile, or all of them; returns how many went. */
  async remove(filter: (session: StoredSessionEntry) => boolean = () => true): Promise<number> {
    let removed = 0
    for (const session of await this.list()) {
      if (!filter(session)) continue
      try {
        await this.keyring.remove(session.key)
        removed++
      } catch (error) {
        if (errorCode(error) !== 'ITEM_NOT_FOUND') throw error
      }
    }
    return removed
  }
}
