import {spawn} from 'node:child_process'
import {closeSync, openSync, writeSync} from 'node:fs'

import type {Availability, PromptContext} from '@vault-aws/cli/plugin-api'

import {ykmanArgs} from './ykman-args.ts'

/** How long ykman may take before the user is told the key may want a touch. */
export const TOUCH_HINT_AFTER_MS = 700

export const TOUCH_HINT = 'Waiting for ykman: touch your YubiKey if it is blinking…\n'

export function ykmanAvailability(ctx: PromptContext): Availability {
  const found = ctx.findExecutable('ykman')
  return found ? {available: true, reason: `uses ${found}`} : {available: false, reason: 'ykman is not on PATH (install YubiKey Manager)'}
}

/** The controlling terminal, or undefined when there is none (a GUI app, a CI job). */
function openTty(): number | undefined {
  try {
    return openSync('/dev/tty', 'r+')
  } catch {
    return undefined
  }
}

/**
 * Runs ykman for the code. Its stdin and stderr are the terminal when there is one, as
 * aws-vault arranges it: ykman's own "Touch your YubiKey" and OATH password prompts then
 * reach the user even while vault's stdout and stderr are captured (credential_process).
 */
export async function codeFromYkman(mfaSerial: string, ctx: PromptContext): Promise<string> {
  const executable = ctx.findExecutable('ykman')
  if (!executable) throw Object.assign(new Error('ykman is not on PATH'), {code: 'PROMPT_UNAVAILABLE'})
  const args = ykmanArgs(mfaSerial, ctx.env)
  ctx.debug(`fetching the MFA code with: ykman ${args.join(' ')}`)
  const tty = openTty()
  const say = (text: string): void => {
    if (tty === undefined) process.stderr.write(text)
    else writeSync(tty, text)
  }
  try {
    return await new Promise<string>((resolve, reject) => {
      const child = spawn(executable, args, {
        env: {...ctx.env} as NodeJS.ProcessEnv,
        stdio: [tty ?? 'ignore', 'pipe', tty ?? 'inherit'],
      })
      const hint = setTimeout(() => say(TOUCH_HINT), TOUCH_HINT_AFTER_MS)
      let stdout = ''
      // stdio[1] is 'pipe', so stdout exists
      child.stdout!.setEncoding('utf8')
      child.stdout!.on('data', (chunk: string) => (stdout += chunk))
      child.on('error', (error) => {
        clearTimeout(hint)
        reject(error)
      })
      child.on('close', (code, signal) => {
        clearTimeout(hint)
        if (code === 0) resolve(stdout.trim())
        else reject(new Error(`ykman ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`))
      })
    })
  } finally {
    if (tty !== undefined) closeSync(tty)
  }
}
