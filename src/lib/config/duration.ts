import {VaultError} from '../errors.ts'

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6, // U+00B5 micro sign
  μs: 1e-6, // U+03BC Greek mu
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
}

// Go's time.Duration is an int64 of nanoseconds.
const MAX_SECONDS = Number(2n ** 63n - 1n) / 1e9

/**
 * Parses Go's duration syntax (`1h`, `90m`, `3600s`, `1h30m`, `1.5h`, `-5m`, `0`) into seconds,
 * as aws-vault reads its TTL variables. Throws a SyntaxError on anything else, `3600` included.
 */
export function parseGoDuration(text: string): number {
  let rest = text
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') throw new SyntaxError(`invalid duration "${text}"`)

  let total = 0
  while (rest !== '') {
    const match = /^(\d*)(?:\.(\d*))?([^\d.]*)/.exec(rest)
    const [whole = '', integer = '', fraction, unit = ''] = match ?? []
    if (integer === '' && !fraction) throw new SyntaxError(`invalid duration "${text}"`)
    if (unit === '') throw new SyntaxError(`missing unit in duration "${text}"`)
    const scale = UNIT_SECONDS[unit]
    if (scale === undefined) throw new SyntaxError(`unknown unit "${unit}" in duration "${text}"`)
    total += Number(`${integer || '0'}.${fraction ?? ''}0`) * scale
    rest = rest.slice(whole.length)
  }
  if (total > MAX_SECONDS) throw new SyntaxError(`invalid duration "${text}"`)
  return sign * total
}

/**
 * A command-line flag's Go duration in seconds; anything else is a one-line usage error naming
 * the flag, with `examples` of what it takes.
 */
export function flagDuration(flag: string, text: string, examples = '1h, 90m or 3600s'): number {
  try {
    return parseGoDuration(text)
  } catch (error) {
    throw new VaultError('USAGE', `--${flag} "${text}" is not a duration`, {
      cause: error,
      suggestions: [`use a Go-style duration such as ${examples}`],
    })
  }
}

/**
 * A duration in whole seconds from a Go-syntax environment variable, or undefined when the
 * variable is unset, empty or zero (aws-vault then falls through to the next source).
 */
export function durationFromEnv(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const text = env[name]
  if (!text) return undefined
  let seconds: number
  try {
    seconds = parseGoDuration(text)
  } catch (error) {
    throw new VaultError('CONFIG_INVALID', `${name}=${text} is not a duration: ${(error as Error).message}`, {
      suggestions: [`set ${name} with a unit, e.g. ${name}=1h, 90m or 3600s, or unset it`],
    })
  }
  if (seconds < 0) {
    throw new VaultError('CONFIG_INVALID', `${name}=${text} is negative`, {
      suggestions: [`set ${name} to a positive duration such as 1h, or unset it`],
    })
  }
  const whole = Math.floor(seconds)
  return whole === 0 ? undefined : whole
}

/** Default of AWS_MIN_TTL: credentials closer than this to expiry are renewed. */
export const DEFAULT_MIN_TTL_SECONDS = 5 * 60

/** `AWS_MIN_TTL` in seconds (default 5 minutes); a malformed value is CONFIG_INVALID. */
export function minTtlSeconds(env: Readonly<Record<string, string | undefined>>): number {
  if (!env.AWS_MIN_TTL) return DEFAULT_MIN_TTL_SECONDS
  // Zero is a legitimate choice here (renew only once expired), not a fall-through to the default.
  return durationFromEnv(env, 'AWS_MIN_TTL') ?? 0
}
