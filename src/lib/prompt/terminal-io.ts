import {closeSync, openSync} from 'node:fs'
import {ReadStream, WriteStream} from 'node:tty'

import type {Availability} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import {applyInput, type LineState} from './line-editor.ts'

/**
 * The controlling terminal, opened directly so that prompts work while stdin and stdout are pipes
 * (`$(vault export …)`, credential_process).
 */
export interface Terminal {
  write(text: string): void
  /** Reads one line without echoing it; rejects with ABORTED (`cancelled at <prompt>`) on Ctrl-C or Ctrl-D. */
  readHiddenLine(prompt?: string): Promise<string>
  close(): void
}

/** An opened terminal also lends its streams to prompts that draw their own lines. */
export interface OpenedTerminal extends Terminal {
  input: ReadStream
  output: WriteStream
}

export interface OpenTerminalOptions {
  /** What is asked for, for the error when there is no terminal: `no terminal to ask for <why>`. */
  why: string
  suggestions: string[]
}

const MFA_TERMINAL: OpenTerminalOptions = {
  suggestions: ['run the command in a terminal', 'give the code with --mfa-token, or set mfa_process in the profile'],
  why: 'the MFA code on',
}

const TTY_PATH = '/dev/tty'

/** Whether this process has a controlling terminal it can open. */
export function terminalAvailability(): Availability {
  try {
    closeSync(openSync(TTY_PATH, 'r+'))
    return {available: true, reason: `${TTY_PATH} can be opened`}
  } catch (error) {
    return {available: false, reason: `no controlling terminal (${TTY_PATH}: ${(error as NodeJS.ErrnoException).code ?? 'cannot open'})`}
  }
}

export function openTerminal(options: OpenTerminalOptions = MFA_TERMINAL): OpenedTerminal {
  let inputFd: number
  let outputFd: number
  try {
    inputFd = openSync(TTY_PATH, 'r')
    outputFd = openSync(TTY_PATH, 'w')
  } catch {
    throw new VaultError('NO_TTY', `no terminal to ask for ${options.why}`, {suggestions: options.suggestions})
  }
  const input = new ReadStream(inputFd)
  const output = new WriteStream(outputFd)
  // A process that exits while the terminal is raw would leave the user's shell without echo.
  const restore = (): void => {
    if (input.isRaw) input.setRawMode(false)
  }
  process.once('exit', restore)
  return {
    close() {
      restore()
      process.removeListener('exit', restore)
      input.destroy()
      output.destroy()
    },
    input,
    output,
    readHiddenLine: (prompt = 'the MFA prompt') => readHiddenLine(input, prompt),
    write(text) {
      output.write(text)
    },
  }
}

function readHiddenLine(input: ReadStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let state: LineState = {outcome: 'pending', text: ''}
    const finish = (): void => {
      input.removeListener('data', onData)
      input.removeListener('error', onError)
      input.pause()
      input.setRawMode(false)
    }
    const onData = (chunk: Buffer): void => {
      state = applyInput(state, chunk.toString('utf8'))
      if (state.outcome === 'pending') return
      finish()
      if (state.outcome === 'submit') resolve(state.text)
      else reject(new VaultError('ABORTED', `cancelled at ${prompt}`))
    }
    const onError = (error: Error): void => {
      finish()
      reject(error)
    }
    // Raw mode turns echo off and lets Ctrl-C arrive as a byte rather than as SIGINT.
    input.setRawMode(true)
    input.on('data', onData)
    input.on('error', onError)
    input.resume()
  })
}
