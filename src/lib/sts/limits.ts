/**
 * How long vault waits for AWS: every call (STS, IAM, SSO, console federation) is attempted at
 * most AWS_MAX_ATTEMPTS times (the AWS SDKs' own variable, 3 by default), each attempt bounded by
 * VAULT_AWS_TIMEOUT_MS (10 s by default), and the whole call by both together, so a server that
 * never answers, or trickles, ends in one line instead of a hang.
 */
import {VaultError} from '../errors.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface CallLimits {
  /** Milliseconds one attempt may take, connecting included. */
  timeoutMs: number
  maxAttempts: number
}

export const DEFAULT_CALL_LIMITS: CallLimits = {maxAttempts: 3, timeoutMs: 10_000}

const LONGEST_TIMEOUT_MS = 10 * 60 * 1000
const MOST_ATTEMPTS = 10
// The SDK's standard retry backs off at most 20 s between attempts.
const LONGEST_BACKOFF_MS = 20_000

/** The limits the environment sets; none when it sets none, so the defaults apply. */
export function callLimitsFromEnv(env: Env): CallLimits | undefined {
  const timeout = env.VAULT_AWS_TIMEOUT_MS
  const attempts = env.AWS_MAX_ATTEMPTS
  if (!timeout && !attempts) return undefined
  return {
    maxAttempts: attempts ? wholeNumber('AWS_MAX_ATTEMPTS', attempts, MOST_ATTEMPTS, 'attempts') : DEFAULT_CALL_LIMITS.maxAttempts,
    timeoutMs: timeout ? wholeNumber('VAULT_AWS_TIMEOUT_MS', timeout, LONGEST_TIMEOUT_MS, 'milliseconds') : DEFAULT_CALL_LIMITS.timeoutMs,
  }
}

function wholeNumber(variable: string, value: string, most: number, unit: string): number {
  const number = /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN
  if (!(number >= 1 && number <= most)) {
    throw new VaultError(
      'USAGE',
      `${variable} must be a whole number of ${unit} from 1 to ${most}, not ${JSON.stringify(value.slice(0, 20))}`,
      {
        suggestions: [
          `unset ${variable} to use the default (${variable === 'AWS_MAX_ATTEMPTS' ? DEFAULT_CALL_LIMITS.maxAttempts : DEFAULT_CALL_LIMITS.timeoutMs})`,
        ],
      },
    )
  }
  return number
}

/** What an AWS SDK client gets: its attempts and each attempt's timeouts. */
export function clientLimits(limits: CallLimits = DEFAULT_CALL_LIMITS) {
  return {
    maxAttempts: limits.maxAttempts,
    requestHandler: {connectionTimeout: limits.timeoutMs, requestTimeout: limits.timeoutMs, throwOnRequestTimeout: true},
  }
}

/** The deadline of a whole call, retries and their backoff included: a trickling server cannot outlast it. */
export function callDeadline(limits: CallLimits = DEFAULT_CALL_LIMITS): AbortSignal {
  return AbortSignal.timeout(limits.timeoutMs * limits.maxAttempts + LONGEST_BACKOFF_MS * (limits.maxAttempts - 1))
}

/** True for the SDK's and fetch's ways of saying an attempt or the call ran out of time. */
export function isTimeout(error: unknown): boolean {
  const name = error instanceof Error ? error.name : undefined
  const code = (error as {code?: unknown})?.code
  return name === 'TimeoutError' || name === 'AbortError' || name === 'RequestTimeout' || code === 'ETIMEDOUT'
}

/** One line for a call that got no answer in time. */
export function describeLimits(limits: CallLimits = DEFAULT_CALL_LIMITS): string {
  const attempts = limits.maxAttempts === 1 ? '1 attempt' : `${limits.maxAttempts} attempts`
  return `no answer within ${limits.timeoutMs / 1000}s (${attempts})`
}

export const LIMITS_SUGGESTION = 'check the network and the endpoint; VAULT_AWS_TIMEOUT_MS and AWS_MAX_ATTEMPTS set how long vault waits'
