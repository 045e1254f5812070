/**
 * aws-vault's session key codec: `<type>,<b64url profile>,<b64url mfa serial>,<unix expiry>`.
 * Sharing the format lets aws-vault and vault reuse each other's cached sessions.
 */

export interface SessionMetadata {
  type: string
  profileName: string
  mfaSerial: string
  expiration: Date
}

const SESSION_KEY_PATTERN = /^([^,]+),([^,]+),([^,]*),([0-9]+)$/

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url')
}

function decode(text: string): string {
  return Buffer.from(text, 'base64url').toString('utf8')
}

export function formatSessionKey(meta: SessionMetadata): string {
  const expiry = Math.floor(meta.expiration.getTime() / 1000)
  return `${meta.type},${encode(meta.profileName)},${encode(meta.mfaSerial)},${expiry}`
}

export function parseSessionKey(key: string): SessionMetadata | undefined {
  const match = SESSION_KEY_PATTERN.exec(key)
  if (!match) return undefined
  const [, type, profile, mfaSerial, expiry] = match as unknown as [string, string, string, string, string]
  return {type, profileName: decode(profile), mfaSerial: decode(mfaSerial), expiration: new Date(Number(expiry) * 1000)}
}

export function isSessionKey(key: string): boolean {
  return SESSION_KEY_PATTERN.test(key)
}

/** Keys aws-vault uses for cached SSO tokens. */
export function isOidcTokenKey(key: string): boolean {
  return key.startsWith('oidc:')
}

export function oidcTokenKey(startUrl: string): string {
  return `oidc:${startUrl}`
}
