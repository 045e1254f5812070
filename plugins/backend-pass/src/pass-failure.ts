import {keyringError} from './errors.ts'
import type {KeyringError} from './errors.ts'
import type {PassRun} from './pass-runner.ts'

export interface FailureContext {
  operation: 'show' | 'insert' | 'mv' | 'rm'
  /** The pass entry the command was about. */
  name: string
  dir: string
  gnupgHome: string
}

// gpg's machine-readable status lines (`--status-fd`), which pass's `--quiet` does not silence.
const STATUS = /^\[GNUPG:\] (\S+)(?: (.*))?$/

interface Diagnostics {
  statuses: Map<string, string[]>
  text: string
  lastLine: string | undefined
}

function diagnose(stderr: string): Diagnostics {
  const statuses = new Map<string, string[]>()
  const lines: string[] = []
  for (const line of stderr.split(/\r?\n/)) {
    const status = STATUS.exec(line)
    if (status?.[1] !== undefined) statuses.set(status[1], [...(statuses.get(status[1]) ?? []), status[2] ?? ''])
    else if (line.trim() !== '') lines.push(line.trim())
  }
  return {statuses, text: lines.join('\n'), lastLine: lines.at(-1)}
}

const LOCKED = /operation cancelled|inappropriate ioctl|no pinentry|bad passphrase|timeout|canceled by user/i

function failedToDecrypt({statuses, text}: Diagnostics): boolean {
  return statuses.has('DECRYPTION_FAILED') || /decryption failed|no secret key/i.test(text)
}

// gpg reports every failed decryption as "No secret key"; it considers the secret key only when
// it holds one, so a considered key means the passphrase (or a card's PIN) was the obstacle.
function keyLocked({statuses, text}: Diagnostics): boolean {
  return statuses.has('KEY_CONSIDERED') || statuses.has('PINENTRY_LAUNCHED') || LOCKED.test(text)
}

/**
 * Whether a decryption by gpg told to start no pinentry failed for want of one. pass's --quiet
 * hides gpg's own words for it; a gpg too old to know the option is taken as one that may ask.
 */
export function needsPassphraseEntry(run: PassRun): boolean {
  const diagnostics = diagnose(run.stderr)
  if (/invalid option "--pinentry-mode"/i.test(diagnostics.text)) return true
  return failedToDecrypt(diagnostics) && keyLocked(diagnostics)
}

/**
 * One line saying what failed and what to do, from pass's exit status and gpg's diagnostics.
 * Never quotes stdout, which holds the entry's content.
 */
export function passFailure(run: PassRun, context: FailureContext): KeyringError {
  const diagnostics = diagnose(run.stderr)
  const {statuses, text, lastLine} = diagnostics
  const entry = JSON.stringify(context.name)

  if (/is not in the password store/.test(text)) {
    return keyringError('ITEM_NOT_FOUND', `no entry ${entry} in the password store at ${context.dir}`)
  }
  if (/You must run:/.test(text) && /init/.test(text)) return notInitialised(context.dir)

  if (context.operation === 'show' && failedToDecrypt(diagnostics)) {
    if (keyLocked(diagnostics)) {
      return keyringError(
        'BACKEND_LOCKED',
        `gpg could not unlock the secret key for pass entry ${entry} (no passphrase entry was possible, or it was cancelled or wrong): run pass show ${entry} in a terminal to unlock gpg-agent, then retry`,
      )
    }
    const recipients = (statuses.get('ENC_TO') ?? []).map((fields) => fields.split(' ')[0]).filter(Boolean)
    const keys = recipients.length > 0 ? ` (encrypted to ${recipients.join(', ')})` : ''
    return keyringError(
      'BACKEND_UNAVAILABLE',
      `gpg has no secret key to decrypt pass entry ${entry}${keys}: import that key into ${context.gnupgHome} or point GNUPGHOME at the keyring that holds it`,
    )
  }

  if (context.operation === 'insert') {
    if (/There is no assurance this key belongs/i.test(text)) {
      return keyringError(
        'BACKEND_UNAVAILABLE',
        `gpg does not trust the public key of the password store's recipient: set its owner trust (gpg --edit-key <id> trust) and retry`,
      )
    }
    if (statuses.has('INV_RECP') || /skipped: |public key|encryption failed/i.test(text)) {
      const recipients = (statuses.get('INV_RECP') ?? []).map((fields) => fields.split(' ').slice(1).join(' ')).filter(Boolean)
      const who = recipients.length > 0 ? recipients.join(', ') : "the store's recipients"
      return keyringError(
        'BACKEND_UNAVAILABLE',
        `gpg has no usable public key for ${who} (from .gpg-id in ${context.dir}): import it into ${context.gnupgHome} or run "pass init" with a key you hold`,
      )
    }
  }

  const how = run.signal === null ? `exit status ${run.code}` : `signal ${run.signal}`
  const detail = lastLine === undefined ? '' : `: ${lastLine.slice(0, 200)}`
  return keyringError('BACKEND_UNAVAILABLE', `pass ${context.operation} ${entry} failed (${how})${detail}`)
}

export function notInitialised(dir: string): KeyringError {
  return keyringError('BACKEND_UNAVAILABLE', `the password store at ${dir} is not initialised (no .gpg-id): run "pass init <gpg-id>" first`)
}
