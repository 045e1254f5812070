import type {Credentials, CredentialProvider} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import {formatSessionKey} from '../keyring/session-key.ts'
import {unusableCredentialsProblem} from '../output/credential-shape.ts'
import type {SessionStore, StoredSessionEntry} from '../keyring/session-store.ts'
import type {Logger} from '../log.ts'
import type {SessionSlot} from './plan.ts'

export type LockRunner = <T>(name: string, work: () => Promise<T>) => Promise<T>

export interface SessionCacheDeps {
  sessions: SessionStore
  log: Logger
  /** Cached sessions with less than this many seconds left are not reused. */
  minTtlSeconds: number
  now(): Date
  lock: LockRunner
}

/** aws-vault's prefix of the keys of one slot: every session of it, whatever its expiry. */
export function slotName(slot: SessionSlot): string {
  return formatSessionKey({...slot, expiration: new Date(0)}).replace(/,0$/, ',')
}

function inSlot(slot: SessionSlot): (session: StoredSessionEntry) => boolean {
  return (session) => session.type === slot.type && session.profileName === slot.profileName && session.mfaSerial === slot.mfaSerial
}

/** The live session of a slot that has at least the minimum TTL left, if any. */
export function findFreshSession(
  slot: SessionSlot,
  deps: Pick<SessionCacheDeps, 'sessions' | 'minTtlSeconds' | 'now'>,
): Promise<Credentials | undefined> {
  const freshUntil = new Date(deps.now().getTime() + deps.minTtlSeconds * 1000)
  return deps.sessions.find(slot.type, slot.profileName, slot.mfaSerial, freshUntil)
}

/**
 * Reuses a live cached session of the slot, or makes one and stores it. Making one happens
 * under a cross-process lock on the slot, and the cache is read again once the lock is held:
 * of N processes starting cold, one calls STS (and asks for the MFA code), the others reuse its session.
 */
export function cachedSession(slot: SessionSlot, deps: SessionCacheDeps, create: () => Promise<Credentials>): CredentialProvider {
  const label = `${slot.type} session of ${slot.profileName}`
  return async () => {
    const cached = await findFreshSession(slot, deps)
    if (cached) {
      deps.log(`reusing the cached ${label}${remaining(cached, deps.now())}`)
      return cached
    }
    return deps.lock(slotName(slot), async () => {
      const madeMeanwhile = await findFreshSession(slot, deps)
      if (madeMeanwhile) {
        deps.log(`reusing the ${label} another vault process just made`)
        return madeMeanwhile
      }
      const credentials = await create()
      // What could not be used is never cached: a hostile or broken answer would be handed out until its expiry.
      const problem = unusableCredentialsProblem(credentials, deps.now())
      if (problem) {
        throw new VaultError('CREDENTIALS_REFUSED', `refused the new ${label}: ${problem}; nothing was cached`, {
          suggestions: ['check the endpoint or source that gave them (`vault describe` shows the chain), then try again'],
        })
      }
      if (credentials.expiration) await store(slot, credentials, deps)
      return credentials
    })
  }
}

/** Stores the session and drops what it replaces: older sessions of the slot and any expired session. */
async function store(slot: SessionSlot, credentials: Credentials, deps: SessionCacheDeps): Promise<void> {
  await deps.sessions.save(slot.type, slot.profileName, slot.mfaSerial, credentials)
  const key = formatSessionKey({...slot, expiration: credentials.expiration ?? new Date(0)})
  const now = deps.now()
  const replaced = inSlot(slot)
  const removed = await deps.sessions.remove((session) => session.key !== key && (replaced(session) || session.expiration <= now))
  if (removed > 0) deps.log(`removed ${removed} replaced or expired session(s)`)
}

function remaining(credentials: Credentials, now: Date): string {
  if (!credentials.expiration) return ''
  const seconds = Math.floor((credentials.expiration.getTime() - now.getTime()) / 1000)
  return `, ${seconds}s left`
}
