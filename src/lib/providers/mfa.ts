import {execFile} from 'node:child_process'

import type {MfaPrompt} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'

/** MFA precedence: --mfa-token, then the profile's mfa_process, then the prompt driver. */
export function mfaCodeSource(options: {mfaToken?: string; mfaProcess?: string; prompt: MfaPrompt}): MfaPrompt {
  let tokenUsed = false
  return async (mfaSerial) => {
    if (options.mfaToken && !tokenUsed) {
      // A code is valid once: a second MFA step in the same run must ask again.
      tokenUsed = true
      return options.mfaToken
    }
    if (options.mfaProcess) return runMfaProcess(options.mfaProcess)
    return options.prompt(mfaSerial)
  }
}

function runMfaProcess(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], {timeout: 60_000}, (error, stdout) => {
      if (error) {
        reject(new VaultError('MFA_FAILED', `mfa_process failed (${error.code ?? error.signal ?? 'error'})`, {suggestions: ['run the mfa_process command by hand to see why']}))
        return
      }
      resolve(stdout.trim())
    })
  })
}
