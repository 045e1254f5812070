/**
 * Secrets taken out of what vault prints about warnings, failures and its own progress. vault
 * never puts one there itself, but a plugin's error message or debug line may quote what it
 * was handling. Three rules, each linear in the text's length (a message may be megabytes):
 * - the values of the secret variables in vault's environment;
 * - the value after a secret-looking name and `=` or `:` (`aws_secret_access_key = …`,
 *   `"SessionToken":"…"`, `AWS_SESSION_TOKEN=…`, their URL-encoded forms);
 * - anything shaped like an AWS secret access key (40 base64 characters) or a token (100 or
 *   more base64 or base64url characters), also percent-encoded, standing on its own.
 * Each is printed as [redacted].
 */
export const REDACTED = '[redacted]'

const SECRET_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_VAULT_FILE_PASSPHRASE']
// Shorter values would take ordinary words with them.
const SHORTEST_VALUE = 6
// After a secret name, a shorter value is a word of a sentence ("token: expired"), not a secret.
const SHORTEST_NAMED_VALUE = 8
const SECRET_KEY_LENGTH = 40
const SHORTEST_TOKEN = 100

// A secret-looking name, what may close its quotes, and the separator before its value. Every
// repetition is bounded, so a match attempt costs a constant number of steps wherever it starts.
const QUOTE = String.raw`(?:\\?["']|%22|%27)`
const SPACE = String.raw`(?:[ \t+]|%20)`
const NAMED_VALUE = new RegExp(
  String.raw`(?:secret|token|passphrase|password|sessionkey|session_key)[\w-]{0,40}?${QUOTE}?${SPACE}{0,4}(?:[=:]|%3D|%3A)${SPACE}{0,4}${QUOTE}?`,
  'gi',
)

export function redactSecrets(text: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  let redacted = text
  for (const name of SECRET_VARIABLES) {
    const value = env[name]
    if (value && value.length >= SHORTEST_VALUE) redacted = redacted.split(value).join(REDACTED)
  }
  return redactShapes(redactNamedValues(redacted))
}

/** Longest line, and longest text, vault prints about one thing: the rest is counted, not shown. */
const LONGEST_LINE = 2000
const LONGEST_TEXT = 16_000

/** The secrets taken out, then the text cut to a printable size. */
export function safeToPrint(text: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return boundText(redactSecrets(text, env))
}

/** Cuts long lines and long texts, saying how much was left out. */
export function boundText(text: string, longestLine = LONGEST_LINE, longestText = LONGEST_TEXT): string {
  let bounded = text
  if (bounded.length > longestText) bounded = `${bounded.slice(0, longestText)}… (${bounded.length - longestText} more characters)`
  if (!bounded.split('\n').some((line) => line.length > longestLine)) return bounded
  return bounded
    .split('\n')
    .map((line) => (line.length > longestLine ? `${line.slice(0, longestLine)}… (${line.length - longestLine} more characters)` : line))
    .join('\n')
}

/** A value quoted in a message, cut short: configs and servers may hand vault megabytes. */
export function quoteBounded(value: string, longest = 64): string {
  const shown = value.length > longest ? `${value.slice(0, longest)}…` : value
  const quoted = JSON.stringify(shown)
  return value.length > longest ? `${quoted} (${value.length} characters)` : quoted
}

function redactNamedValues(text: string): string {
  const parts: string[] = []
  let copied = 0
  NAMED_VALUE.lastIndex = 0
  for (let match = NAMED_VALUE.exec(text); match; match = NAMED_VALUE.exec(text)) {
    const start = match.index + match[0].length
    const end = valueEnd(text, start)
    if (end - start >= SHORTEST_NAMED_VALUE) {
      parts.push(text.slice(copied, start), REDACTED)
      copied = end
    }
    NAMED_VALUE.lastIndex = Math.max(end, match.index + 1)
  }
  parts.push(text.slice(copied))
  return parts.join('')
}

// Where a value after a secret name ends: base64, base64url, JWT and percent-encoded characters.
function valueEnd(text: string, start: number): number {
  let at = start
  while (at < text.length) {
    const code = text.charCodeAt(at)
    if (isAlphanumeric(code) || code === 0x2f || code === 0x2b || code === 0x3d || code === 0x2e || code === 0x5f || code === 0x2d) at++
    else if (code === 0x25 && encodedBase64Symbol(text, at) !== undefined) at += 3
    else break
  }
  return at
}

/**
 * Runs of base64 characters (percent-encoded `/`, `+` and `=` count as one) of a secret key's or
 * a token's length, then runs of base64url characters of a token's length. A run without two of
 * upper case, lower case and digits (a long profile name, a path) is not taken for random bytes.
 */
function redactShapes(text: string): string {
  return redactRuns(
    redactRuns(text, base64Run, (length) => length === SECRET_KEY_LENGTH || length >= SHORTEST_TOKEN),
    base64UrlRun,
    (length) => length >= SHORTEST_TOKEN,
  )
}

interface Run {
  /** Index after the run, padding included. */
  end: number
  /** Characters the run stands for, once decoded. */
  length: number
  classes: number
}

type RunScanner = (text: string, start: number) => Run | undefined

function redactRuns(text: string, scan: RunScanner, isSecretLength: (length: number) => boolean): string {
  const parts: string[] = []
  let copied = 0
  let at = 0
  while (at < text.length) {
    const run = scan(text, at)
    if (!run) {
      at++
      continue
    }
    if (isSecretLength(run.length) && countBits(run.classes) >= 2) {
      parts.push(text.slice(copied, at), REDACTED)
      copied = run.end
    }
    at = run.end
  }
  if (copied === 0) return text
  parts.push(text.slice(copied))
  return parts.join('')
}

const UPPER = 1
const LOWER = 2
const DIGIT = 4

// Random bytes mix upper case, lower case and digits; a path or a name of one case does not.
function characterClass(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return UPPER
  if (code >= 0x61 && code <= 0x7a) return LOWER
  if (code >= 0x30 && code <= 0x39) return DIGIT
  return 0
}

function base64Run(text: string, start: number): Run | undefined {
  let at = start
  let length = 0
  let classes = 0
  while (at < text.length) {
    const code = text.charCodeAt(at)
    if (isAlphanumeric(code) || code === 0x2f || code === 0x2b) {
      classes |= characterClass(code)
      at++
    } else if (code === 0x25 && (encodedBase64Symbol(text, at) === '/' || encodedBase64Symbol(text, at) === '+')) {
      at += 3
    } else break
    length++
  }
  if (length === 0) return undefined
  // Padding closes the run: what follows an `=` is a new value (`key=value`).
  for (let pad = 0; pad < 2; pad++) {
    if (text.charCodeAt(at) === 0x3d) at++
    else if (encodedBase64Symbol(text, at) === '=') at += 3
    else break
  }
  return {classes, end: at, length}
}

function base64UrlRun(text: string, start: number): Run | undefined {
  let at = start
  let classes = 0
  while (at < text.length) {
    const code = text.charCodeAt(at)
    if (!(isAlphanumeric(code) || code === 0x2d || code === 0x5f)) break
    classes |= characterClass(code)
    at++
  }
  return at === start ? undefined : {classes, end: at, length: at - start}
}

function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
}

function encodedBase64Symbol(text: string, at: number): '/' | '+' | '=' | undefined {
  if (text.charCodeAt(at) !== 0x25) return undefined
  const hex = text.slice(at + 1, at + 3).toUpperCase()
  if (hex === '2F') return '/'
  if (hex === '2B') return '+'
  if (hex === '3D') return '='
  return undefined
}

function countBits(value: number): number {
  let bits = 0
  for (let rest = value; rest > 0; rest >>= 1) bits += rest & 1
  return bits
}
