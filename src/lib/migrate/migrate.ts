import {randomBytes} from 'node:crypto'

import type {Keyring, KeyringItem} from '../plugin-api/index.ts'

import {errorCode, VaultError} from '../errors.ts'
import {newMigrateProbeKey} from '../keyring/probe-key.ts'
import type {Journal} from './journal.ts'
import {isLiveSsoToken, type ItemKind, type SelectedItem} from './select-items.ts'

/**
 * What happened to one item:
 * - `copied`: written to the destination and read back equal
 * - `present`: the destination already held the same data (an earlier, interrupted run got this far)
 * - `overwritten`: the destination held different data and --overwrite replaced it
 * - `conflict`: the destination holds different data; both left as they are
 * - `expired`: an SSO token that can no longer be used; left behind
 * - `vanished`: listed at the source, gone when read (another process removed it)
 * - `would-copy`, `would-overwrite`: what a dry run would do
 */
export type MigrateAction = 'copied' | 'present' | 'overwritten' | 'conflict' | 'expired' | 'vanished' | 'would-copy' | 'would-overwrite'

export interface MigrateOutcome {
  key: string
  kind: ItemKind
  profile?: string
  action: MigrateAction
  /** Removed from the source after the copy was verified (--delete-source). */
  sourceRemoved: boolean
}

export interface MigrateOptions {
  source: Keyring
  destination: Keyring
  items: readonly SelectedItem[]
  dryRun: boolean
  deleteSource: boolean
  overwrite: boolean
  journal: Journal
  now: Date
  /** Called once per item, as soon as it is settled. */
  onOutcome?(outcome: MigrateOutcome): void
  /** Names the backends in messages. */
  names: {source: string; destination: string}
}

const verifiedActions = new Set<MigrateAction>(['copied', 'present', 'overwritten'])

type DestinationState = {state: 'absent'} | {state: 'equal'} | {state: 'different'; data: Uint8Array} | {state: 'unreadable'}

/**
 * Copies each item from source to destination and reads it back before anything is removed.
 * Re-running after an interruption is safe: an item already copied is found equal and skipped,
 * a half-written copy recorded in the journal is written again, and the source keeps every
 * item whose copy was not verified. Stops at the first item that cannot be read or written.
 */
export async function migrateItems(options: MigrateOptions): Promise<MigrateOutcome[]> {
  const {source, destination, journal} = options
  if (options.deleteSource && !options.dryRun && (await isSameStore(source, destination))) {
    throw new VaultError(
      'USAGE',
      `"${options.names.source}" and "${options.names.destination}" reach the same store: removing the source would remove the copies`,
      {
        suggestions: ['migrate between two different stores, or leave out --delete-source'],
      },
    )
  }
  const outcomes: MigrateOutcome[] = []
  for (const selected of options.items) {
    const outcome = await migrateOne(selected)
    outcomes.push(outcome)
    options.onOutcome?.(outcome)
  }
  return outcomes

  async function migrateOne(selected: SelectedItem): Promise<MigrateOutcome> {
    const base = {key: selected.key, kind: selected.kind, ...(selected.profile === undefined ? {} : {profile: selected.profile})}
    const item = await readSource(source, selected.key)
    if (item === undefined) return {...base, action: 'vanished', sourceRemoved: false}
    if (selected.kind === 'sso-token' && !isLiveSsoToken(item.data, options.now)) return {...base, action: 'expired', sourceRemoved: false}

    const existing = await readDestination(destination, item)
    let action: MigrateAction
    if (existing.state === 'equal') {
      action = 'present'
    } else if (existing.state === 'absent') {
      action = options.dryRun ? 'would-copy' : 'copied'
    } else {
      const pending = journal.pending(item.key)
      // Our own copy cut short: unreadable, or holding exactly what this migration was writing.
      const ours = pending !== undefined && (existing.state === 'unreadable' || journal.digest(existing.data) === pending)
      if (ours) action = options.dryRun ? 'would-copy' : 'copied'
      else if (options.overwrite) action = options.dryRun ? 'would-overwrite' : 'overwritten'
      else action = 'conflict'
    }
    if (options.dryRun) return {...base, action, sourceRemoved: false}

    if (action === 'copied' || action === 'overwritten') await copyVerified(item)
    else if (action === 'present') await journal.finish(item.key)

    let sourceRemoved = false
    if (options.deleteSource && verifiedActions.has(action)) {
      await source.remove(item.key).catch((error: unknown) => {
        if (errorCode(error) !== 'ITEM_NOT_FOUND') throw error
      })
      sourceRemoved = true
    }
    return {...base, action, sourceRemoved}
  }

  async function copyVerified(item: KeyringItem): Promise<void> {
    await journal.begin(item.key, journal.digest(item.data))
    await destination.set(item)
    const back = await readDestination(destination, item)
    if (back.state !== 'equal') {
      throw new VaultError(
        'MIGRATION_FAILED',
        `the copy of "${item.key}" in "${options.names.destination}" does not read back as written (${back.state}); the source keeps it`,
        {
          suggestions: [`check the "${options.names.destination}" backend, then run the same command again`],
        },
      )
    }
    await journal.finish(item.key)
  }
}

async function readSource(source: Keyring, key: string): Promise<KeyringItem | undefined> {
  try {
    return await source.get(key)
  } catch (error) {
    if (errorCode(error) === 'ITEM_NOT_FOUND') return undefined
    throw error
  }
}

async function readDestination(destination: Keyring, item: KeyringItem): Promise<DestinationState> {
  let found: KeyringItem
  try {
    found = await destination.get(item.key)
  } catch (error) {
    const code = errorCode(error)
    if (code === 'ITEM_NOT_FOUND') return {state: 'absent'}
    if (code === 'BACKEND_CORRUPT') return {state: 'unreadable'}
    throw error
  }
  return sameBytes(found.data, item.data) ? {state: 'equal'} : {state: 'different', data: found.data}
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

/**
 * Whether two keyrings are one store under two names (`keyring` and `secret-service`, or one
 * directory reached twice): an item written to one is read from the other.
 */
export async function isSameStore(source: Keyring, destination: Keyring): Promise<boolean> {
  const probe: KeyringItem = {
    key: newMigrateProbeKey(),
    data: randomBytes(16),
    label: 'vault migrate probe',
  }
  await destination.set(probe)
  try {
    const seen = await readSource(source, probe.key)
    return seen !== undefined && sameBytes(seen.data, probe.data)
  } finally {
    await destination.remove(probe.key).catch(() => undefined)
  }
}
