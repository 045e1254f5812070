import {spawn} from 'node:child_process'

import type {Availability, PromptContext} from '@vault-aws/cli/plugin-api'

import {type DialogId, invocation} from './invocations.ts'

const needsDisplay: Record<DialogId, boolean> = {kdialog: true, osascript: false, zenity: true}

export function dialogAvailability(id: DialogId, ctx: PromptContext): Availability {
  const {env} = ctx
  const found = ctx.findExecutable(id)
  if (!found) return {available: false, reason: `${id} is not on PATH`}
  if (needsDisplay[id] && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return {available: false, reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)'}
  return {available: true, reason: `uses ${found}`}
}

/** Exit status 1 is the user closing the dialog for all three programs. */
const CANCELLED_STATUS = 1

/** Shows the dialog and returns what the user typed. Cancelling rejects with code PROMPT_CANCELLED. */
export function askWithDialog(id: DialogId, mfaSerial: string, ctx: PromptContext): Promise<string> {
  const executable = ctx.findExecutable(id)
  if (!executable) return Promise.reject(Object.assign(new Error(`${id} is not on PATH`), {code: 'PROMPT_UNAVAILABLE'}))
  const {args} = invocation(id, mfaSerial)
  ctx.debug(`asking for the MFA code of ${mfaSerial} with ${id}`)
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {env: {...ctx.env} as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => (stdout += chunk))
    child.stderr.on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(stdout.trim())
        return
      }
      if (code === CANCELLED_STATUS) {
        reject(Object.assign(new Error(`the ${id} dialog was cancelled`), {code: 'PROMPT_CANCELLED'}))
        return
      }
      // The dialog's own complaint (no display, bad arguments) is the useful part; it never holds the code.
      const last = stderr.trim().split('\n').at(-1) ?? ''
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
      reject(new Error(`${id} ${how}${last ? `: ${last}` : ''}`))
    })
  })
}
