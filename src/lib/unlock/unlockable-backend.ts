import type {BackendContext, BackendDescriptor, BackendUnlocking} from '../plugin-api/index.ts'

import {parseGoDuration} from '../config/duration.ts'
import {VaultError} from '../errors.ts'
import {selectBackend, type BackendChoice} from '../keyring/select-backend.ts'

/** `vault unlock` without --for: long enough for a working hour of STS sessions, short enough to lapse over lunch. */
export const DEFAULT_UNLOCK = '1h'
/** The longest --for: a day, after which the store asks again. */
export const MAX_UNLOCK_SECONDS = 24 * 3600

/** A store `vault unlock` and `vault lock` act on, with the context its backend reads its settings from. */
export interface UnlockableStore {
  descriptor: BackendDescriptor
  unlocking: BackendUnlocking
  ctx: BackendContext
  /** What it holds in this run: the long-term keys, or the sessions of --session-backend. */
  holds: 'keys' | 'sessions'
}

export interface StoreSettings {
  /** --backend / AWS_VAULT_BACKEND. */
  requested: string | undefined
  ctx: BackendContext
  /** --session-backend / AWS_VAULT_SESSION_BACKEND, with the context its settings map into. */
  session?: {id: string; ctx: BackendContext}
}

/**
 * The stores to unlock or lock: the backend vault would use (or the one named), and the session
 * store when it is another store whose backend unlocks too. At least one must know how.
 */
export async function unlockableStores(entries: BackendChoice[], settings: StoreSettings): Promise<UnlockableStore[]> {
  const {ctx, requested, session} = settings
  const {descriptor} = await selectBackend(entries, requested, ctx)
  const stores: UnlockableStore[] = []
  if (descriptor.unlocking !== undefined) stores.push({ctx, descriptor, holds: 'keys', unlocking: descriptor.unlocking})
  if (session !== undefined) {
    const chosen = (await selectBackend(entries, session.id, session.ctx)).descriptor
    const sessions = chosen.unlocking
    if (sessions !== undefined && !(await sameStore(stores[0], chosen, session.ctx))) {
      stores.push({ctx: session.ctx, descriptor: chosen, holds: 'sessions', unlocking: sessions})
    }
  }
  if (stores.length === 0) {
    const able = entries.filter((entry) => entry.descriptor.unlocking !== undefined).map((entry) => entry.descriptor.id)
    throw new VaultError('USAGE', `the "${descriptor.id}" backend has no passphrase to keep, so it cannot be unlocked or locked`, {
      suggestions: able.length > 0 ? [`name a backend that can: --backend ${able.join(' or --backend ')}`] : [],
    })
  }
  return stores
}

/** Whether the session settings name the long-term store itself (same backend, same store). */
async function sameStore(keys: UnlockableStore | undefined, sessions: BackendDescriptor, ctx: BackendContext): Promise<boolean> {
  if (keys === undefined || keys.descriptor !== sessions || sessions.unlocking === undefined) return false
  // Where the items live, else the store its unlocking names (which may cost a lookup).
  const where = async (storeCtx: BackendContext) =>
    sessions.location ? await sessions.location(storeCtx) : (await keys.unlocking.state(storeCtx)).store
  const [a, b] = await Promise.all([where(keys.ctx), where(ctx)])
  return a === b
}

/** "file store /home/u/.awsvault/keys", with "(sessions)" for the session store. */
export function storeName(store: {backend: string; holds: 'keys' | 'sessions'; store: string}): string {
  return `${store.backend} store ${store.store}${store.holds === 'sessions' ? ' (sessions)' : ''}`
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
