// Virtual MFA devices: RFC 6238 codes (30 s steps, one step of drift each way), each accepted at most once.
import {Secret, TOTP} from 'otpauth'
import type {MfaDevice} from './model.ts'

const PERIOD_MS = 30_000

export const newTotpSecret = (): string => new Secret({size: 20}).base32

const totpOf = (device: MfaDevice): TOTP => new TOTP({secret: Secret.fromBase32(device.secret), digits: 6, period: 30, algorithm: 'SHA1'})

const stepAt = (nowMs: number): number => Math.floor(nowMs / PERIOD_MS)

// Accepts a code once: a code from a step at or before the last accepted one is refused, as a replay.
export const acceptCode = (device: MfaDevice, code: string, nowMs: number): boolean => {
  const delta = totpOf(device).validate({token: code, timestamp: nowMs, window: 1})
  if (delta === null) return false
  const step = stepAt(nowMs) + delta
  if (device.lastCounter !== undefined && step <= device.lastCounter) return false
  device.lastCounter = step
  return true
}

// The code a user would type now: the current step's, or the next step's when the current one is spent.
export const currentCode = (device: MfaDevice, nowMs: number): string => {
  const step = Math.max(stepAt(nowMs), (device.lastCounter ?? -1) + 1)
  if (step > stepAt(nowMs) + 1) {
    throw new Error(`no unused code for ${device.serial} until the clock moves on: call advance(30)`)
  }
  return totpOf(device).generate({timestamp: step * PERIOD_MS})
}
