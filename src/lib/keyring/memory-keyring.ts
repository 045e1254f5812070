import type {Keyring, KeyringItem} from '../plugin-api/index.ts'

/** A keyring held in memory: for unit tests and dry runs. */
export class MemoryKeyring implements Keyring {
  readonly items = new Map<string, KeyringItem>()

  async get(key: string): Promise<KeyringItem> {
    const item = this.items.get(key)
    if (!item) throw Object.assign(new Error(`no item "${key}"`), {code: 'ITEM_NOT_FOUND'})
    return {...item, data: Uint8Array.from(item.data)}
  }

  async set(item: KeyringItem): Promise<void> {
    this.items.set(item.key, {...item, data: Uint8Array.from(item.data)})
  }

  async remove(key: string): Promise<void> {
    if (!this.items.delete(key)) throw Object.assign(new Error(`no item "${key}"`), {code: 'ITEM_NOT_FOUND'})
  }

  async keys(): Promise<string[]> {
    return [...this.items.keys()]
  }
}
