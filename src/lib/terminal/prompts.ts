import {openSync} from 'node:fs'
import {ReadStream, WriteStream} from 'node:tty'

import {VaultError} from '../errors.ts'

interface Tty {
  input: ReadStream
  output: WriteStream
  close(): void
}

/**
 * Prompts read and write the controlling terminal, not stdin/stdout, so they keep working
 * while stdout is captured (`$(vault export …)`, credential_process).
 */
function openTty(why: string): Tty {
  let inputFd: number
  let outputFd: number
  try {
    inputFd = openSync('/dev/tty', 'r')
    outputFd = openSync('/dev/tty', 'w')
  } catch {
    throw new VaultError('NO_TTY', `no terminal to ask for ${why}`, {
      suggestions: ['run the command in a terminal, or give the value through the environment or a flag'],
    })
  }
  const input = new ReadStream(inputFd)
  const output = new WriteStream(outputFd)
  return {
    input,
    output,
    close() {
      input.destroy()
      output.destroy()
    },
  }
}

function isPromptAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')
}

async function ask<T>(why: string, run: (tty: Tty) => Promise<T>): Promise<T> {
  const tty = openTty(why)
  try {
    return await run(tty)
  } catch (error) {
    if (isPromptAbort(error)) throw new VaultError('ABORTED', 'cancelled at the prompt')
    throw error
  } finally {
    tty.close()
  }
}

const plainTheme = {prefix: ''}

/** Asks for a secret on the terminal without echoing it. */
export async function promptSecret(message: string, why = 'a secret'): Promise<string> {
  const {default: password} = await import('@inquirer/password')
  return ask(why, (tty) => password({message: message.trimEnd(), mask: false, theme: plainTheme}, {input: tty.input, output: tty.output}))
}

/** Asks for one line of visible text on the terminal. */
export async function promptLine(message: string, why = 'input'): Promise<string> {
  const {default: input} = await import('@inquirer/input')
  return ask(why, (tty) => input({message: message.trimEnd(), theme: plainTheme}, {input: tty.input, output: tty.output}))
}

/** Offers `choices` on the terminal, narrowed by what the user types; returns the one chosen. */
export async function promptSearch(message: string, choices: readonly string[], why = 'a choice'): Promise<string> {
  const {default: search} = await import('@inquirer/search')
  const matching = (term: string | undefined) => {
    const wanted = (term ?? '').trim().toLowerCase()
    return choices.filter((choice) => choice.toLowerCase().includes(wanted)).map((value) => ({value}))
  }
  return ask(why, (tty) => search({message, source: matching, theme: plainTheme}, {input: tty.input, output: tty.output}))
}
