import type {Credentials} from '../plugin-api/index.ts'

import {formatIso8601} from '../output/iso8601.ts'

/**
 * Credentials that never expire are announced as valid for an hour from the moment they are
 * served: the SDKs need an expiry to know when to come back, and they will get the same keys.
 */
const ANNOUNCED_LIFETIME_MS = 60 * 60 * 1000

function expirationOf(credentials: Credentials, now: number): string {
  return formatIso8601(credentials.expiration ?? new Date(now + ANNOUNCED_LIFETIME_MS))
}

/** The ECS container credentials document, with the fields every SDK requires. */
export function ecsCredentialsBody(credentials: Credentials, now: number): string {
  return JSON.stringify({
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken ?? '',
    Expiration: expirationOf(credentials, now),
  })
}

/** The instance metadata credentials document, as EC2 serves it for a role. */
export function imdsCredentialsBody(credentials: Credentials, now: number): string {
  return JSON.stringify({
    Code: 'Success',
    LastUpdated: formatIso8601(new Date(now)),
    Type: 'AWS-HMAC',
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken ?? '',
    Expiration: expirationOf(credentials, now),
  })
}
