import {spawn} from 'node:child_process'
import {constants} from 'node:os'

import {VaultError} from '../errors.ts'

/** Signals a terminal or a supervisor may send to vault that belong to the child. */
const forwardedSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH']

export interface ChildOutcome {
  code: number | null
  signal: NodeJS.Signals | null
}

/**
 * Runs the command with inherited stdio, forwards signals to it and reports how it ended.
 * Node cannot replace itself with execve as aws-vault does, so vault stays as a thin parent.
 */
export function runChild(command: string, args: string[], env: Record<string, string>): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn> | undefined
    const forward = (signal: NodeJS.Signals) => {
      child?.kill(signal)
    }
    const detach = () => {
      for (const signal of forwardedSignals) process.off(signal, forward)
    }
    // Listening before the child starts: a signal sent as soon as the child shows signs of life
    // (it may print before spawn returns here) must reach the child, not end vault. Signal
    // listeners run from the event loop, so one sent meanwhile finds the child spawned.
    for (const signal of forwardedSignals) process.on(signal, forward)
    try {
      child = spawn(command, args, {env, stdio: 'inherit'})
    } catch (error) {
      detach()
      // Node refuses some failures (an environment too large, E2BIG) before any 'error' event.
      reject((error as NodeJS.ErrnoException).code === 'E2BIG' ? environmentTooLarge(command, args, env) : error)
      return
    }
    child.once('error', (error: NodeJS.ErrnoException) => {
      detach()
      if (error.code === 'E2BIG') {
        reject(environmentTooLarge(command, args, env))
        return
      }
      const reason = error.code === 'ENOENT' ? 'not found' : error.code === 'EACCES' ? 'not executable' : error.message
      reject(
        new VaultError('COMMAND_FAILED', `cannot run "${command}": ${reason}`, {
          suggestions: ['check the command name and your PATH'],
        }),
      )
    })
    child.once('exit', (code, signal) => {
      detach()
      resolve({code, signal})
    })
  })
}

/** The system refused the command line and environment as too large: say which part is. */
function environmentTooLarge(command: string, args: string[], env: Record<string, string>): VaultError {
  const [name, value] = Object.entries(env).reduce((largest, entry) => (entry[1].length > largest[1].length ? entry : largest), ['', ''])
  const argumentsLength = args.reduce((sum, arg) => sum + arg.length, 0)
  const culprit =
    argumentsLength > value.length ? `its arguments (${argumentsLength} characters)` : `the variable ${name} (${value.length} characters)`
  return new VaultError(
    'COMMAND_FAILED',
    `cannot run "${command}": its environment and arguments are too large (E2BIG): the largest part is ${culprit}`,
    {
      suggestions: [
        name.startsWith('AWS_')
          ? 'check the profile settings and credentials that fill it, e.g. region in ~/.aws/config'
          : `shorten ${name}`,
      ],
    },
  )
}

/** Ends vault the way the child ended: same exit code, or the same signal. */
export function exitLikeChild(outcome: ChildOutcome): void {
  if (outcome.signal) {
    process.removeAllListeners(outcome.signal)
    process.kill(process.pid, outcome.signal)
    // A signal that does not terminate (e.g. ignored) still must not look like success.
    process.exitCode = 128 + (constants.signals[outcome.signal] ?? 0)
    return
  }
  process.exitCode = outcome.code ?? 1
}
