import type {BackendContext, BackendDescriptor, BackendUnlocking} from '../plugin-api/index.ts'

import {parseGoDuration} from '../config/duration.ts'
import {VaultError} from '../errors.ts'
import {selectBackend, type BackendChoice} from '../keyring/select-backend.ts'

/** `vault unlock` without --for: long enough for a working hour of STS sessions, short enough to lapse over lunch. */
export const DEFAULT_UNLOCK = '1h'
/** The longest --for: a day, after which the store asks again. */
export const MAX_UNLOCK_SECONDS = 24 * 3600

export interface UnlockableBackend {
  descriptor: BackendDescriptor
  unlocking: BackendUnlocking
}

/** The backend vault would use (or the one named), which must know how to be unlocked. */
export async function unlockableBackend(
  entries: BackendChoice[],
  requested: string | undefined,
  ctx: BackendContext,
): Promise<UnlockableBackend> {
  const {descriptor} = await selectBackend(entries, requested, ctx)
  if (descriptor.unlocking === undefined) {
    const able = entries.filter((entry) => entry.descriptor.unlocking !== undefined).map((entry) => entry.descriptor.id)
    throw new VaultError('USAGE', `the "${descriptor.id}" backend has no passphrase to keep, so it cannot be unlocked or locked`, {
      suggestions: able.length > 0 ? [`name a backend that can: --backend ${able.join(' or --backend ')}`] : [],
    })
  }
  return {descriptor, unlocking: descriptor.unlocking}
}

/** --for as seconds: a Go duration from 1s to a day. */
export function unlockSeconds(text: string): number {
  let seconds: number
  try {
    seconds = parseGoDuration(text)
  } catch (error) {
    throw new VaultError('USAGE', `--for "${text}" is not a duration`, {
      cause: error,
      suggestions: ['use a duration such as 15m, 1h or 8h'],
    })
  }
  if (seconds < 1 || seconds > MAX_UNLOCK_SECONDS) {
    throw new VaultError('USAGE', `--for "${text}" is outside 1s to 24h`, {suggestions: ['use a duration such as 15m, 1h or 8h']})
  }
  return Math.floor(seconds)
}

/** "until 15:04:05 (in 59m)" in local time. */
export function describeUntil(until: Date, now = new Date()): string {
  const clock = until.toLocaleTimeString('en-GB', {hour12: false})
  const minutes = Math.max(0, Math.round((until.getTime() - now.getTime()) / 60_000))
  const left = minutes >= 60 ? `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m` : `${minutes}m`
  return `until ${clock} (in ${left})`
}
