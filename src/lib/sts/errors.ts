import {VaultError} from '../errors.ts'
import {describeLimits, isTimeout, LIMITS_SUGGESTION, type CallLimits} from './limits.ts'

/** What was asked, so the one-line message can say what to change. Never a secret. */
export interface StsRequestContext {
  profileName?: string
  roleArn?: string
  mfaSerial?: string
  durationSeconds?: number
  endpoint?: string
  limits?: CallLimits
}

/** Seconds as a flag value: `2h`, `90m`, `3600s` → `1h`. */
export function describeDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`
  if (seconds % 60 === 0) return `${seconds / 60}m`
  return `${seconds}s`
}

const networkCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH'])

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** STS failures as one line with a hint; the SDK's messages never carry secrets. */
export function stsError(action: string, error: unknown, context: StsRequestContext): VaultError {
  if (error instanceof VaultError) return error
  const name = error instanceof Error ? error.name : 'Error'
  const code = (error as {code?: unknown})?.code
  const message = oneLine(error instanceof Error ? error.message : String(error))
  const what = context.roleArn ? `${action} ${context.roleArn}` : action
  const clear = context.profileName ? `vault clear ${context.profileName}` : 'vault clear'
  const fail = (text: string, suggestions: string[]) => new VaultError('STS_FAILED', `${what} failed: ${text}`, {cause: error, suggestions})

  if (/MaxSessionDuration/.test(message)) {
    const asked = context.durationSeconds === undefined ? '' : ` (${describeDuration(context.durationSeconds)})`
    return fail(`the requested duration${asked} is longer than the role's MaxSessionDuration`, [
      'ask for no more than the role allows, e.g. `--duration 1h`, or lower duration_seconds in the profile',
      "or raise the role's MaxSessionDuration (at most 12h) in IAM",
    ])
  }
  if (/role chaining/i.test(message)) {
    return fail('a role assumed with temporary credentials may last one hour at most', ['use `--duration 1h` or duration_seconds = 3600'])
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return fail(`the credentials it was called with have expired (${name})`, [`remove cached sessions with \`${clear}\` and try again`])
  }
  if (name === 'InvalidClientTokenId') {
    return fail(`AWS does not know the access key (${name})`, [
      `if a cached session was revoked, remove it with \`${clear}\``,
      'otherwise store a valid access key with `vault add`',
    ])
  }
  if (name === 'SignatureDoesNotMatch') {
    return fail(`the request signature was refused (${name})`, ['the stored secret key is wrong: store the right one with `vault add`'])
  }
  if (/MultiFactorAuthentication|MFA/.test(message)) {
    const device = context.mfaSerial ? ` for ${context.mfaSerial}` : ''
    return fail(`the MFA code${device} was refused (${message.replace(/\.$/, '')})`, [
      'wait for the next code: each code works once',
      'check that mfa_serial names your MFA device',
    ])
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    const suggestions = context.roleArn
      ? [
          context.mfaSerial
            ? "check that the role's trust policy allows your user"
            : 'if the role requires MFA, set mfa_serial in the profile',
          'check external_id if the role asks for one',
        ]
      : ['check the IAM policy of the user whose keys are stored']
    return fail(`access denied (${message.replace(/\.$/, '')})`, suggestions)
  }
  if (isTimeout(error)) {
    const where = context.endpoint ? ` at ${context.endpoint}` : ''
    return fail(`STS gave ${describeLimits(context.limits)}${where}`, [LIMITS_SUGGESTION])
  }
  if (typeof code === 'string' && networkCodes.has(code)) {
    const where = context.endpoint ? ` at ${context.endpoint}` : ''
    return fail(`STS could not be reached${where} (${code})`, ['check the network, and AWS_ENDPOINT_URL / endpoint_url if you set them'])
  }
  return fail(`${message} (${name})`, ['run again with --debug for details'])
}
