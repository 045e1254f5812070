import type {ItemCodec, Keyring, KeyringItem, ShareUntilFailure} from '@vault-aws/cli/plugin-api'

import {keyringError, notFound} from '../errors.ts'
import {translate} from './errors.ts'
import {isNoSuchObject, type SecretService} from './service.ts'

// aws-vault finds its items by this attribute and labels each item with its key.
export const KEY_ATTRIBUTE = 'profile'
export const CONTENT_TYPE = 'application/json'

const strictUtf8 = new TextDecoder('utf-8', {fatal: true})

export interface SecretServiceKeyringOptions {
  /** The collection's name, as aws-vault's --secret-service-collection gives it. */
  collection: string
  connect(): Promise<SecretService>
  /** aws-vault's item JSON, which each secret holds. */
  items: ItemCodec
  /** The host's: one connection is made, again only after a failure. */
  shareUntilFailure: ShareUntilFailure
}

/**
 * aws-vault's Secret Service layout: collection `awsvault` (or the configured one), one item
 * per key labelled with the key, attribute `profile=<key>`, secret = the Item's JSON.
 */
export class SecretServiceKeyring implements Keyring {
  readonly collection: string
  readonly #items: ItemCodec
  readonly #service: () => Promise<SecretService>

  constructor(options: SecretServiceKeyringOptions) {
    this.collection = options.collection
    this.#items = options.items
    this.#service = options.shareUntilFailure(() => options.connect())
  }

  async get(key: string): Promise<KeyringItem> {
    return this.#run(`reading ${JSON.stringify(key)}`, async (service) => {
      const collection = await service.findCollection(this.collection)
      if (collection === undefined) throw this.#notFound(key)
      for (const item of await service.searchItems(collection, {[KEY_ATTRIBUTE]: key})) {
        try {
          await service.ensureUnlocked(item, 'item', this.#where())
          const decoded = this.#decode(key, await service.getSecret(item))
          if (decoded === undefined) {
            throw keyringError('BACKEND_CORRUPT', `the item ${JSON.stringify(key)} in ${this.#where()} does not hold a keyring item's JSON`)
          }
          return decoded
        } catch (error) {
          // Removed by another writer between the search and the read: try the next match.
          if (!isNoSuchObject(error)) throw error
        }
      }
      throw this.#notFound(key)
    })
  }

  async set(item: KeyringItem): Promise<void> {
    if (item.key === '') throw new TypeError('a keyring key must not be empty')
    await this.#run(`storing ${JSON.stringify(item.key)}`, async (service) => {
      const collection = (await service.findCollection(this.collection)) ?? (await service.createCollection(this.collection))
      await service.ensureUnlocked(collection, 'collection', this.#where())
      const newItem = {
        label: item.key,
        attributes: {[KEY_ATTRIBUTE]: item.key},
        secret: new TextEncoder().encode(this.#items.encode(item)),
        contentType: CONTENT_TYPE,
      }
      await service.createItem(collection, newItem, true)
    })
  }

  async remove(key: string): Promise<void> {
    await this.#run(`removing ${JSON.stringify(key)}`, async (service) => {
      const collection = await service.findCollection(this.collection)
      if (collection === undefined) throw this.#notFound(key)
      let removed = 0
      for (const item of await service.searchItems(collection, {[KEY_ATTRIBUTE]: key})) {
        try {
          await service.ensureUnlocked(item, 'item', this.#where())
          await service.deleteItem(item)
          removed += 1
        } catch (error) {
          if (!isNoSuchObject(error)) throw error
        }
      }
      if (removed === 0) throw this.#notFound(key)
    })
  }

  /** The keys of the collection's items, found by the attribute `get` searches on. */
  async keys(): Promise<string[]> {
    return this.#run('listing keys', async (service) => {
      const collection = await service.findCollection(this.collection)
      if (collection === undefined) return []
      // A locked collection hides its items' attributes.
      await service.ensureUnlocked(collection, 'collection', this.#where())
      const keys = new Set<string>()
      for (const item of await service.items(collection)) {
        const attributes = await service.attributes(item).catch((error: unknown) => {
          if (isNoSuchObject(error)) return {} as Record<string, string>
          throw error
        })
        const key = attributes[KEY_ATTRIBUTE]
        if (key !== undefined && key !== '') keys.add(key)
      }
      return [...keys].sort()
    })
  }

  /** A secret that is not UTF-8 is not an item's JSON. */
  #decode(key: string, secret: Uint8Array): KeyringItem | undefined {
    let json: string
    try {
      json = strictUtf8.decode(secret)
    } catch {
      return undefined
    }
    return this.#items.decode(key, json)?.item
  }

  #where(): string {
    return `the Secret Service collection ${JSON.stringify(this.collection)}`
  }

  #notFound(key: string): Error {
    return notFound(key, this.#where())
  }

  async #run<T>(what: string, work: (service: SecretService) => Promise<T>): Promise<T> {
    try {
      return await work(await this.#service())
    } catch (error) {
      throw translate(error, what)
    }
  }
}
