/**
 * What AWS credentials look like, so that what a hostile or broken STS, credential_process or
 * plugin hands vault is refused before it is cached, printed for a shell to eval, or passed to a
 * child. The rules are loose enough for every real credential and for stand-ins of AWS, and
 * tight enough that no value can carry a quote, a space, a `$`, a backtick or a line break.
 */
import type {Credentials} from '../plugin-api/index.ts'

/** Far above any real session token (a few kilobytes), far below what an environment variable may hold. */
export const LONGEST_SESSION_TOKEN = 64 * 1024

const ACCESS_KEY_ID = /^[A-Za-z0-9_]{4,128}$/
const SECRET_ACCESS_KEY = /^[A-Za-z0-9/+=_.-]{1,256}$/
const SESSION_TOKEN = /^[A-Za-z0-9/+=_.-]+$/
const REGION = /^[A-Za-z0-9._-]{1,64}$/

/** What is wrong with the credentials' shape, in a few words naming no value; undefined when nothing is. */
export function credentialShapeProblem(credentials: Credentials): string | undefined {
  const {accessKeyId, secretAccessKey, sessionToken, expiration} = credentials
  if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId))
    return 'the access key id is not shaped like one (4 to 128 letters and digits)'
  if (typeof secretAccessKey !== 'string' || !SECRET_ACCESS_KEY.test(secretAccessKey))
    return 'the secret access key is not shaped like one (up to 256 base64 characters)'
  if (sessionToken !== undefined) {
    if (typeof sessionToken !== 'string') return 'the session token is not text'
    if (sessionToken.length > LONGEST_SESSION_TOKEN)
      return `the session token is absurdly long (${sessionToken.length} characters, more than ${LONGEST_SESSION_TOKEN})`
    if (!SESSION_TOKEN.test(sessionToken)) return 'the session token holds characters no session token has (only base64 characters)'
  }
  if (expiration !== undefined && (!(expiration instanceof Date) || Number.isNaN(expiration.getTime())))
    return 'the expiration is not a time'
  return undefined
}

/** What makes credentials unusable now: a wrong shape, or an expiration already past. */
export function unusableCredentialsProblem(credentials: Credentials, now: Date): string | undefined {
  const shape = credentialShapeProblem(credentials)
  if (shape) return shape
  const expiration = credentials.expiration
  if (expiration && expiration.getTime() <= now.getTime()) {
    const ago = Math.round((now.getTime() - expiration.getTime()) / 1000)
    return `they expired at ${expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}, ${ago}s ago`
  }
  return undefined
}

/** What is wrong with a region before it is printed or handed on; undefined when nothing is. */
export function regionProblem(region: string): string | undefined {
  if (REGION.test(region)) return undefined
  const shown = region.length > 32 ? `${JSON.stringify(region.slice(0, 32))}… (${region.length} characters)` : JSON.stringify(region)
  return `the region ${shown} is not a region name (letters, digits, dots and dashes, at most 64)`
}
