/**
 * The one mapping from an AWS answer's credentials (STS's capitalised fields, the SSO portal's
 * camel-case ones) to the credentials vault caches and hands out, and back to what the SDK's
 * clients sign with.
 */
import type {Credentials} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'

/** The fields every AWS credentials answer carries, whatever their spelling. */
export interface AnsweredCredentials {
  accessKeyId?: string
  secretAccessKey?: string
  sessionToken?: string
  /** A date, or milliseconds since the epoch (the SSO portal's form). */
  expiration?: Date | number
}

// AWS's clock and ours may differ a little; a session lasting longer than asked by more than this is no answer of AWS's.
const EXPIRY_SLACK_SECONDS = 3600

/**
 * The credentials in an answer; `who` names the service for the error when they are missing.
 * With `durationSeconds`, an expiry far beyond what was asked is refused rather than cached.
 */
export function answeredCredentials(answer: AnsweredCredentials | undefined, who: string, durationSeconds?: number): Credentials {
  if (!answer?.accessKeyId || !answer.secretAccessKey) throw new Error(`${who} answered without credentials`)
  const expiration = answer.expiration === undefined ? undefined : new Date(answer.expiration)
  if (expiration && durationSeconds !== undefined && expiration.getTime() > Date.now() + (durationSeconds + EXPIRY_SLACK_SECONDS) * 1000) {
    throw new VaultError(
      'CREDENTIALS_REFUSED',
      `${who} answered with credentials expiring at ${expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}, far beyond the ${durationSeconds}s asked for: refused, nothing was cached`,
      {suggestions: ['check the STS endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, endpoint_url)']},
    )
  }
  return {
    accessKeyId: answer.accessKeyId,
    secretAccessKey: answer.secretAccessKey,
    ...(answer.sessionToken ? {sessionToken: answer.sessionToken} : {}),
    ...(expiration ? {expiration} : {}),
  }
}

/** STS spells the same fields with capitals. */
export function stsCredentials(
  result: {Credentials?: {AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date}},
  durationSeconds?: number,
): Credentials {
  const c = result.Credentials
  return answeredCredentials(
    c && {accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration},
    'STS',
    durationSeconds,
  )
}

/** Credentials as an SDK client signs with them: no expiry, no empty session token. */
export function sdkCredentials(credentials: Credentials): {accessKeyId: string; secretAccessKey: string; sessionToken?: string} {
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? {sessionToken: credentials.sessionToken} : {}),
  }
}
