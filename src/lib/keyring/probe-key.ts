import {randomBytes} from 'node:crypto'

import type {Keyring} from '../plugin-api/index.ts'

import {errorCode} from '../errors.ts'

// `vault migrate --delete-source` writes one of these to tell whether two backends are one
// store, and removes it at once; a process killed in between leaves it behind.
const PROBE_KEY_PATTERN = /^vault-migrate-probe-[0-9a-f]{12}$/

export function newMigrateProbeKey(): string {
  return `vault-migrate-probe-${randomBytes(6).toString('hex')}`
}

/** A probe item, never a profile: not listed, not migrated, removed when found. */
export function isMigrateProbeKey(key: string): boolean {
  return PROBE_KEY_PATTERN.test(key)
}

/** Removes the probes an interrupted migration left in `keyring`; returns how many went. */
export async function removeLeftoverProbes(keyring: Keyring): Promise<number> {
  let removed = 0
  for (const key of (await keyring.keys()).filter(isMigrateProbeKey)) {
    try {
      await keyring.remove(key)
      removed++
    } catch (error) {
      if (errorCode(error) !== 'ITEM_NOT_FOUND') throw error
    }
  }
  return removed
}
