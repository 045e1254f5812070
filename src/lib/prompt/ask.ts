import {VaultError} from '../errors.ts'
import {openTerminal, type OpenedTerminal} from './terminal-io.ts'

const NO_TERMINAL_SUGGESTIONS = ['run the command in a terminal, or give the value through the environment or a flag']

function isPromptAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')
}

async function ask<T>(why: string, run: (terminal: OpenedTerminal) => Promise<T>): Promise<T> {
  const terminal = openTerminal({suggestions: NO_TERMINAL_SUGGESTIONS, why})
  try {
    return await run(terminal)
  } catch (error) {
    if (isPromptAbort(error)) throw new VaultError('ABORTED', 'cancelled at the prompt')
    throw error
  } finally {
    terminal.close()
  }
}

/** Asks for a secret on the terminal without echoing it, as the MFA code is asked for. */
export async function promptSecret(message: string, why = 'a secret'): Promise<string> {
  return ask(why, async (terminal) => {
    terminal.write(message)
    try {
      return await terminal.readHiddenLine('the prompt')
    } finally {
      terminal.write('\n')
    }
  })
}

const plainTheme = {prefix: ''}

/** Asks for one line of visible text on the terminal. */
export async function promptLine(message: string, why = 'input'): Promise<string> {
  const {default: input} = await import('@inquirer/input')
  return ask(why, (terminal) => input({message: message.trimEnd(), theme: plainTheme}, {input: terminal.input, output: terminal.output}))
}

/** Offers `choices` on the terminal, narrowed by what the user types; returns the one chosen. */
export async function promptSearch(message: string, choices: readonly string[], why = 'a choice'): Promise<string> {
  const {default: search} = await import('@inquirer/search')
  const matching = (term: string | undefined) => {
    const wanted = (term ?? '').trim().toLowerCase()
    return choices.filter((choice) => choice.toLowerCase().includes(wanted)).map((value) => ({value}))
  }
  return ask(why, (terminal) => search({message, source: matching, theme: plainTheme}, {input: terminal.input, output: terminal.output}))
}
