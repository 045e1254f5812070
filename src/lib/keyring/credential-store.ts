import type {Credentials, Keyring} from '../plugin-api/index.ts'

import {errorCode} from '../errors.ts'
import {isMigrateProbeKey} from './probe-key.ts'
import {isOidcTokenKey, isSessionKey} from './session-key.ts'

/** The JSON aws-vault v7 stores for long-term keys (Go's aws.Credentials). */
interface StoredCredentials {
  AccessKeyID: string
  SecretAccessKey: string
  SessionToken?: string
  Source?: string
  CanExpire?: boolean
  Expires?: string
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z'

export function encodeCredentials(credentials: Credentials): Uint8Array {
  const stored: StoredCredentials = {
    AccessKeyID: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken ?? '',
    Source: '',
    CanExpire: credentials.expiration !== undefined,
    Expires: credentials.expiration?.toISOString() ?? GO_ZERO_TIME,
  }
  return Buffer.from(JSON.stringify(stored), 'utf8')
}

export function decodeCredentials(data: Uint8Array, key: string): Credentials {
  let stored: Partial<StoredCredentials>
  try {
    stored = JSON.parse(Buffer.from(data).toString('utf8')) as Partial<StoredCredentials>
  } catch {
    throw Object.assign(new Error(`the stored item "${key}" is not valid JSON`), {code: 'BACKEND_CORRUPT'})
  }
  if (typeof stored.AccessKeyID !== 'string' || typeof stored.SecretAccessKey !== 'string') {
    throw Object.assign(new Error(`the stored item "${key}" holds no access key`), {code: 'BACKEND_CORRUPT'})
  }
  const credentials: Credentials = {accessKeyId: stored.AccessKeyID, secretAccessKey: stored.SecretAccessKey}
  if (stored.SessionToken) credentials.sessionToken = stored.SessionToken
  if (stored.CanExpire && stored.Expires) credentials.expiration = new Date(stored.Expires)
  return credentials
}

/** Long-term credentials, stored under the profile name as aws-vault does. */
export class CredentialStore {
  readonly keyring: Keyring

  constructor(keyring: Keyring) {
    this.keyring = keyring
  }

  async has(profileName: string): Promise<boolean> {
    return (await this.keys()).includes(profileName)
  }

  async get(profileName: string): Promise<Credentials | undefined> {
    try {
      const item = await this.keyring.get(profileName)
      return decodeCredentials(item.data, profileName)
    } catch (error) {
      if (errorCode(error) === 'ITEM_NOT_FOUND') return undefined
      throw error
    }
  }

  async set(profileName: string, credentials: Credentials): Promise<void> {
    await this.keyring.set({
      key: profileName,
      data: encodeCredentials(credentials),
      label: `aws-vault (${profileName})`,
      description: 'aws-vault credentials',
    })
  }

  async remove(profileName: string): Promise<boolean> {
    try {
      await this.keyring.remove(profileName)
      return true
    } catch (error) {
      if (errorCode(error) === 'ITEM_NOT_FOUND') return false
      throw error
    }
  }

  /** Profile names with stored long-term keys (sessions, SSO tokens and a migration's probes excluded). */
  async keys(): Promise<string[]> {
    const keys = await this.keyring.keys()
    return keys.filter((key) => !isSessionKey(key) && !isOidcTokenKey(key) && !isMigrateProbeKey(key)).sort()
  }
}
