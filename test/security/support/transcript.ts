// Every byte `vault` printed in the security tests, and every secret those tests handed it:
// the scan at the end of each file, and once more after the whole run, finds none in the other.
import {randomBytes} from 'node:crypto'

export type SecretKind = 'long-term secret key' | 'session secret' | 'session token' | 'passphrase' | 'MFA code'

interface Secret {
  kind: SecretKind
  value: string
  needles: string[]
}

export interface Printed {
  /** The command line, for the report. */
  what: string
  stdout: string
  stderr: string
  /**
   * stdout is where this command hands out credentials (`exec --json`, `export`, a child's `env`):
   * keys and tokens may be there by design. Passphrases and MFA codes never may.
   */
  credentialsOnStdout?: boolean
}

const secrets = new Map<string, Secret>()
const transcript: Printed[] = []

/** A secret key of AWS's shape (40 characters) that no other test uses. */
export function newSecretKey(): string {
  return registerSecret('long-term secret key', `Sk${randomBytes(30).toString('base64').replace(/[+/=]/g, 'x')}`.slice(0, 40))
}

export function newPassphrase(): string {
  return registerSecret('passphrase', `pp-${randomBytes(16).toString('hex')}`)
}

export function registerSecret(kind: SecretKind, value: string): string {
  if (value.length < 6) throw new Error('a secret shorter than six characters cannot be looked for')
  if (!secrets.has(value)) secrets.set(value, {kind, needles: needlesOf(kind, value), value})
  return value
}

/** Session credentials a command handed out: from then on they are secrets like any other. */
export function registerCredentials(credentials: {SecretAccessKey?: string; SessionToken?: string}): void {
  if (credentials.SecretAccessKey) registerSecret('session secret', credentials.SecretAccessKey)
  if (credentials.SessionToken) registerSecret('session token', credentials.SessionToken)
}

export function record(printed: Printed): void {
  transcript.push(printed)
}

export function transcriptSize(): {runs: number; bytes: number; secrets: number} {
  const bytes = transcript.reduce((sum, entry) => sum + entry.stdout.length + entry.stderr.length, 0)
  return {bytes, runs: transcript.length, secrets: secrets.size}
}

/** Where a registered secret shows up in `text`, as `kind`; empty when nowhere. */
export function secretsIn(text: string, allowCredentials = false): SecretKind[] {
  const found = new Set<SecretKind>()
  for (const secret of secrets.values()) {
    if (allowCredentials && secret.kind !== 'passphrase' && secret.kind !== 'MFA code') continue
    if (secret.kind === 'MFA code' ? mfaCodeIn(text, secret.value) : secret.needles.some((needle) => text.includes(needle)))
      found.add(secret.kind)
  }
  return [...found]
}

/** Every place a secret was printed: `passphrase in stderr of vault exec p`. */
export function leaks(): string[] {
  const found: string[] = []
  for (const entry of transcript) {
    for (const kind of secretsIn(entry.stderr)) found.push(`${kind} in stderr of ${entry.what}`)
    for (const kind of secretsIn(entry.stdout, entry.credentialsOnStdout)) found.push(`${kind} in stdout of ${entry.what}`)
  }
  return found
}

// Six digits would match inside longer numbers (ports, timestamps): only a code standing alone counts.
function mfaCodeIn(text: string, code: string): boolean {
  return new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(text)
}

/**
 * The secret itself, and the part of its base64 that does not depend on what came before it
 * (at each of the three alignments), so an item's data printed encoded is found too.
 */
function needlesOf(kind: SecretKind, value: string): string[] {
  if (kind === 'MFA code') return [value]
  const needles = [value]
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(value)]).toString('base64')
    const stable = encoded.slice(Math.ceil((offset * 4) / 3) + 1, -4)
    if (stable.length >= 16) needles.push(stable)
  }
  return needles
}

// Once the whole run is over, everything printed is checked against every secret of every file.
if (typeof after === 'function') {
  after(function () {
    const found = leaks()
    if (found.length > 0) throw new Error(`secrets printed by vault:\n${found.join('\n')}`)
  })
}
