import type {Keyring, KeyringItem} from '@vault-aws/cli/plugin-api'

import {keyringError, notFound, type KeyringError} from '../errors.ts'

/** The part of @napi-rs/keyring's AsyncEntry this keyring uses. */
export interface NativeEntry {
  setSecret(secret: Uint8Array): Promise<void>
  getSecret(): Promise<number[] | null>
  deleteCredential(): Promise<boolean>
}

/** Where items and the index live in one OS store (macOS Keychain, Windows Credential Manager). */
export interface NativeLocation {
  /** Names the store in messages, e.g. `the macOS keychain service "aws-vault"`. */
  description: string
  entry(key: string): NativeEntry
  /** Where the index of keys is kept, outside the names aws-vault lists. */
  indexEntry(): NativeEntry
}

interface Index {
  version: 1
  items: Record<string, {label?: string; description?: string}>
}

// Writers of one index in this process take turns; each turn re-reads the index first.
const indexTurns = new Map<string, Promise<unknown>>()

function inTurn<T>(name: string, work: () => Promise<T>): Promise<T> {
  const previous = indexTurns.get(name) ?? Promise.resolve()
  const next = previous.then(work, work)
  indexTurns.set(
    name,
    next.catch(() => undefined),
  )
  return next
}

/**
 * An OS store reached through @napi-rs/keyring. The item's value is its raw data, as
 * aws-vault writes it in the keychain and in wincred; the binding can neither list item
 * names reliably nor set labels, so a small index item keeps the keys with their label and
 * description. `get` never depends on the index, so an index that missed a write (another
 * process racing on it) only hides that key from `keys()` until it is read or written again.
 */
export class NativeKeyring implements Keyring {
  readonly #location: NativeLocation

  constructor(location: NativeLocation) {
    this.#location = location
  }

  async get(key: string): Promise<KeyringItem> {
    const secret = await this.#native(`reading ${JSON.stringify(key)}`, () => this.#location.entry(key).getSecret())
    if (secret === null) throw notFound(key, this.#location.description)
    const index = await this.#readIndex()
    const item: KeyringItem = {key, data: Uint8Array.from(secret)}
    const meta = index.items[key]
    if (meta?.label !== undefined) item.label = meta.label
    if (meta?.description !== undefined) item.description = meta.description
    if (meta === undefined)
      await this.#updateIndex((items) => {
        items[key] ??= {}
      }).catch(() => undefined)
    return item
  }

  async set(item: KeyringItem): Promise<void> {
    if (item.key === '') throw new TypeError('a keyring key must not be empty')
    await this.#native(`storing ${JSON.stringify(item.key)}`, () => this.#location.entry(item.key).setSecret(item.data))
    await this.#updateIndex((items) => {
      const meta: {label?: string; description?: string} = {}
      if (item.label !== undefined) meta.label = item.label
      if (item.description !== undefined) meta.description = item.description
      items[item.key] = meta
    })
  }

  async remove(key: string): Promise<void> {
    const deleted = await this.#native(`removing ${JSON.stringify(key)}`, () => this.#location.entry(key).deleteCredential())
    await this.#updateIndex((items) => void delete items[key])
    if (!deleted) throw notFound(key, this.#location.description)
  }

  async keys(): Promise<string[]> {
    return Object.keys((await this.#readIndex()).items).sort()
  }

  async #readIndex(): Promise<Index> {
    const raw = await this.#native('reading the index of keys', () => this.#location.indexEntry().getSecret())
    if (raw === null) return {version: 1, items: {}}
    try {
      const parsed = JSON.parse(Buffer.from(raw).toString('utf8')) as Partial<Index>
      if (typeof parsed.items === 'object' && parsed.items !== null) return {version: 1, items: parsed.items}
    } catch {
      // An unreadable index is rebuilt from the writes that follow.
    }
    return {version: 1, items: {}}
  }

  #updateIndex(change: (items: Index['items']) => void): Promise<void> {
    return inTurn(this.#location.description, async () => {
      const index = await this.#readIndex()
      change(index.items)
      const json = new TextEncoder().encode(JSON.stringify(index))
      await this.#native('updating the index of keys', () => this.#location.indexEntry().setSecret(json))
    })
  }

  async #native<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw nativeError(error, `${what} in ${this.#location.description}`)
    }
  }
}

/** The keyring error a failure of the binding stands for (its errors carry only a message). */
export function nativeError(error: unknown, what: string): KeyringError {
  const message = error instanceof Error ? error.message : String(error)
  const locked = /locked|dismissed|cancel|interaction is not allowed|user interaction/i.test(message)
  return keyringError(locked ? 'BACKEND_LOCKED' : 'BACKEND_UNAVAILABLE', `${what} failed: ${message}`, error)
}
