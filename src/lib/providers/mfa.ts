import {execFile} from 'node:child_process'

import type {MfaPrompt, ResolvedProfile} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import {commandEnvironment} from './sources/run-command.ts'

/** Where a code came from: only a code typed at a prompt is worth asking for again when AWS refuses it. */
export type MfaCodeOrigin = 'mfa-token' | 'mfa_process' | 'prompt'

export interface MfaCode {
  code: string
  origin: MfaCodeOrigin
}

/** Gives the MFA code for a device, for the step of `profile` that needs it. */
export type MfaCodes = (mfaSerial: string, profile: ResolvedProfile) => Promise<MfaCode>

/**
 * MFA precedence: --mfa-token, then the mfa_process of the profile whose step needs the code,
 * then the prompt driver.
 */
export function mfaCodes(options: {mfaToken?: string; prompt: MfaPrompt}): MfaCodes {
  let tokenUsed = false
  return async (mfaSerial, profile) => {
    if (options.mfaToken && !tokenUsed) {
      // A code is valid once: a second MFA step in the same run must ask again.
      tokenUsed = true
      return {code: options.mfaToken, origin: 'mfa-token'}
    }
    if (profile.mfaProcess) return {code: await runMfaProcess(profile.mfaProcess, profile.name), origin: 'mfa_process'}
    return {code: await options.prompt(mfaSerial), origin: 'prompt'}
  }
}

function runMfaProcess(command: string, profileName: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], {env: commandEnvironment(process.env), timeout: 5 * 60_000}, (error, stdout) => {
      if (error) {
        reject(
          new VaultError('MFA_FAILED', `mfa_process of profile "${profileName}" failed (${error.code ?? error.signal ?? 'error'})`, {
            suggestions: ['run the mfa_process command by hand to see why'],
          }),
        )
        return
      }
      const code = stdout.trim()
      if (code === '') {
        reject(
          new VaultError('MFA_FAILED', `mfa_process of profile "${profileName}" printed no code`, {
            suggestions: ['run the mfa_process command by hand to see why'],
          }),
        )
        return
      }
      resolve(code)
    })
  })
}
