/**
 * Plugin code that calls process.exit(0) in the middle of a command would pass for a success,
 * and one that never answers while holding nothing open ends vault with Node's code 13 and a
 * warning about top-level await: both are reported as the failure they are.
 */
import {ExitCode} from './errors.ts'

let unfinishedCommands = 0
let exitGuarded = false

// Node's code when the event loop ran dry while vault still awaited something.
const UNSETTLED_AWAIT = 13

/**
 * A command begins: until the function returned is called, an exit is not a success. Calling it
 * again (a command that failed after it finished) changes nothing.
 */
export function commandStarted(): () => void {
  guardEarlyExit()
  unfinishedCommands++
  let finished = false
  return () => {
    if (finished) return
    finished = true
    unfinishedCommands--
  }
}

function guardEarlyExit(): void {
  if (exitGuarded) return
  exitGuarded = true
  process.once('exit', (code) => {
    // A closed stdout ends vault on purpose (bin/run.js): the reader has what it wanted.
    if (unfinishedCommands === 0 || process.stdout.destroyed || (code !== 0 && code !== UNSETTLED_AWAIT)) return
    process.exitCode = ExitCode.failure
    const how = code === 0 ? 'a plugin calling process.exit?' : 'waiting for an answer that could never come, from a plugin?'
    process.stderr.write(`vault: the process was ended before the command finished (${how})\n`)
  })
}
