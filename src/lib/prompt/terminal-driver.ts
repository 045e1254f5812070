import {VaultError} from '../errors.ts'
import {MFA_CODE_DIGITS, normaliseMfaCode} from './mfa-code.ts'
import {mfaPromptMessage} from './message.ts'
import {openTerminal, type Terminal} from './terminal-io.ts'

export interface TerminalPromptOptions {
  /** How many entries may be tried before giving up. */
  attempts?: number
  open?: () => Terminal
}

export const DEFAULT_ATTEMPTS = 3

/**
 * Asks for an MFA code on the controlling terminal without echoing it (codes are secrets
 * while they are valid, and a terminal's scrollback outlives them). An entry that is not
 * six digits is asked again, up to `attempts` entries in all.
 */
export async function askMfaCodeOnTerminal(mfaSerial: string, options: TerminalPromptOptions = {}): Promise<string> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS
  const terminal = (options.open ?? openTerminal)()
  try {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      terminal.write(mfaPromptMessage(mfaSerial))
      let line: string
      try {
        line = await terminal.readHiddenLine()
      } finally {
        // Enter is not echoed either: end the prompt's line ourselves.
        terminal.write('\n')
      }
      const code = normaliseMfaCode(line)
      if (code !== undefined) return code
      if (attempt < attempts) terminal.write(`An MFA code is ${MFA_CODE_DIGITS} digits; try again (${attempts - attempt} left).\n`)
    }
  } finally {
    terminal.close()
  }
  throw new VaultError('MFA_FAILED', `no valid MFA code for ${mfaSerial} after ${attempts} attempts`, {
    suggestions: [`type the ${MFA_CODE_DIGITS} digits your MFA device shows`, 'or give the code with --mfa-token'],
  })
}
