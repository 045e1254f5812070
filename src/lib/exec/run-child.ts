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
    const child = spawn(command, args, {env, stdio: 'inherit'})
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal)
    }
    for (const signal of forwardedSignals) process.on(signal, forward)
    const detach = () => {
      for (const signal of forwardedSignals) process.off(signal, forward)
    }
    child.once('error', (error: NodeJS.ErrnoException) => {
      detach()
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
