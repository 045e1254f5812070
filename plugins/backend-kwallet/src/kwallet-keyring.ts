import type {BackendContext, ItemCodec, Keyring, KeyringItem, ShareUntilFailure} from '@vault-aws/cli/plugin-api'

import {connectKWallet, type KWalletDaemon} from './daemon.ts'
import {keyringError, translate} from './errors.ts'
import {APP_ID, DISABLED_REASON, FOLDER, hasDisplay, kwalletDisabled, walletName} from './settings.ts'

const strictUtf8 = new TextDecoder('utf-8', {fatal: true})

export interface KWalletKeyringOptions {
  wallet: string
  folder: string
  appId: string
  /** aws-vault's item JSON, which each entry holds. */
  items: ItemCodec
  connect(): Promise<KWalletDaemon>
  /** The host's `ctx.shareUntilFailure`: one connection per keyring, a new one only after a failure. */
  shareUntilFailure: ShareUntilFailure
  /** Whether the user can see KWallet's dialogs; without, a wallet that needs one is refused instead of waited for. */
  display: boolean
  debug(message: string): void
}

/** An answer that may only mean the handle stopped being open (the wallet was closed meanwhile). */
class HandleClosed extends Error {}

/**
 * aws-vault's KWallet layout: one entry per item in the folder `aws-vault` of the wallet `aws-vault`,
 * application id `aws-vault`, the entry's key the item's key and its value the item's JSON as a binary
 * entry. Reading a wallet that does not exist yet finds nothing without asking KWallet to create it;
 * the first write does.
 */
export class KWalletKeyring implements Keyring {
  readonly wallet: string
  readonly #options: KWalletKeyringOptions
  readonly #daemon: () => Promise<KWalletDaemon>
  #handle: Promise<number> | undefined

  constructor(options: KWalletKeyringOptions) {
    this.wallet = options.wallet
    this.#options = options
    this.#daemon = options.shareUntilFailure(() => options.connect())
  }

  async get(key: string): Promise<KeyringItem> {
    return this.#run(`reading ${JSON.stringify(key)}`, 'read', async (daemon, handle) => {
      if (handle === undefined) throw this.#notFound(key)
      const {folder, appId} = this.#options
      const value = await daemon.readEntry(handle, folder, key, appId)
      // An empty answer is no such entry, or a handle that was closed meanwhile.
      if (value.length === 0) {
        await this.#confirmOpen(daemon, handle)
        throw this.#notFound(key)
      }
      const item = this.#decode(key, value)
      if (item === undefined) {
        throw keyringError('BACKEND_CORRUPT', `the entry ${JSON.stringify(key)} in ${this.#where()} does not hold a keyring item's JSON`)
      }
      return item
    })
  }

  async set(item: KeyringItem): Promise<void> {
    if (item.key === '') throw new TypeError('a keyring key must not be empty')
    const value = new TextEncoder().encode(this.#options.items.encode(item))
    await this.#run(`storing ${JSON.stringify(item.key)}`, 'write', async (daemon, handle) => {
      const {folder, appId} = this.#options
      const written = await daemon.writeEntry(handle as number, folder, item.key, value, appId)
      if (written !== 0) {
        await this.#confirmOpen(daemon, handle as number)
        throw keyringError('BACKEND_UNAVAILABLE', `KWallet did not store ${JSON.stringify(item.key)} in ${this.#where()} (${written})`)
      }
    })
  }

  async remove(key: string): Promise<void> {
    await this.#run(`removing ${JSON.stringify(key)}`, 'read', async (daemon, handle) => {
      if (handle === undefined) throw this.#notFound(key)
      const {folder, appId} = this.#options
      // KWallet answers 0 for an entry of a folder that does not exist: ask first.
      if (!(await daemon.hasEntry(handle, folder, key, appId))) {
        await this.#confirmOpen(daemon, handle)
        throw this.#notFound(key)
      }
      const removed = await daemon.removeEntry(handle, folder, key, appId)
      if (removed === 0) return
      await this.#confirmOpen(daemon, handle)
      // Removed by another writer between the two calls.
      throw this.#notFound(key)
    })
  }

  async keys(): Promise<string[]> {
    return this.#run('listing keys', 'read', async (daemon, handle) => {
      if (handle === undefined) return []
      const {folder, appId} = this.#options
      if (!(await daemon.hasFolder(handle, folder, appId))) {
        await this.#confirmOpen(daemon, handle)
        return []
      }
      return [...(await daemon.entryList(handle, folder, appId))].sort()
    })
  }

  #decode(key: string, value: Uint8Array): KeyringItem | undefined {
    let json: string
    try {
      json = strictUtf8.decode(value)
    } catch {
      return undefined
    }
    return this.#options.items.decode(key, json)?.item
  }

  #where(): string {
    return `the KWallet wallet ${JSON.stringify(this.wallet)} (folder ${JSON.stringify(this.#options.folder)})`
  }

  #notFound(key: string): Error {
    return keyringError('ITEM_NOT_FOUND', `no item ${JSON.stringify(key)} in ${this.#where()}`)
  }

  async #confirmOpen(daemon: KWalletDaemon, handle: number): Promise<void> {
    if (!(await daemon.isHandleOpen(handle))) throw new HandleClosed()
  }

  /**
   * Runs `work` with a handle on the wallet (undefined when reading a wallet that does not exist). A handle
   * found closed (the user or KWallet's idle timeout closed the wallet) is dropped and the work runs once
   * more on a new one, as aws-vault reopens a closed wallet.
   */
  async #run<T>(what: string, mode: 'read' | 'write', work: (daemon: KWalletDaemon, handle: number | undefined) => Promise<T>): Promise<T> {
    try {
      const daemon = await this.#daemon()
      for (let attempt = 1; ; attempt++) {
        const handle = await this.#currentHandle(daemon, mode)
        try {
          return await work(daemon, handle)
        } catch (error) {
          if (!(error instanceof HandleClosed)) throw error
          this.#handle = undefined
          if (attempt === 2)
            throw keyringError('BACKEND_LOCKED', `the KWallet wallet ${JSON.stringify(this.wallet)} was closed while in use`)
        }
      }
    } catch (error) {
      throw translate(error, what)
    }
  }

  /** The open handle, opening the wallet first if needed; undefined for a read of a wallet that does not exist. */
  async #currentHandle(daemon: KWalletDaemon, mode: 'read' | 'write'): Promise<number | undefined> {
    if (this.#handle === undefined) {
      const exists = (await daemon.wallets()).includes(this.wallet)
      if (mode === 'read' && !exists) return undefined
      this.#handle ??= this.#open(daemon, exists).catch((error: unknown) => {
        this.#handle = undefined
        throw error
      })
    }
    return this.#handle
  }

  async #open(daemon: KWalletDaemon, exists: boolean): Promise<number> {
    const {appId, debug, display} = this.#options
    const name = JSON.stringify(this.wallet)
    const open = exists && (await daemon.isWalletOpen(this.wallet))
    if (!open && !display) {
      throw exists
        ? keyringError('BACKEND_LOCKED', `the KWallet wallet ${name} is closed and there is no display to ask for its password on`)
        : keyringError('BACKEND_UNAVAILABLE', `the KWallet wallet ${name} does not exist and there is no display to create it on`)
    }
    if (!open) debug(`kwallet: KWallet asks ${exists ? 'for the password of' : 'to create'} the wallet ${name} (${daemon.address.name})`)
    const handle = await daemon.open(this.wallet, appId)
    if (handle >= 0) return handle
    if (!exists) throw keyringError('BACKEND_UNAVAILABLE', `KWallet did not create the wallet ${name}: its dialog was cancelled`)
    if (!open) throw keyringError('BACKEND_LOCKED', `the KWallet wallet ${name} stays closed: its password dialog was cancelled`)
    throw keyringError('BACKEND_LOCKED', `KWallet denied ${JSON.stringify(appId)} access to the wallet ${name}`)
  }
}

/** The KWallet keyring with the settings in `ctx.env`. */
export async function openKWalletKeyring(ctx: BackendContext): Promise<Keyring> {
  if (kwalletDisabled(ctx.env)) throw keyringError('BACKEND_UNAVAILABLE', DISABLED_REASON)
  const wallet = walletName(ctx.env)
  ctx.debug(`kwallet: wallet ${JSON.stringify(wallet)}, folder ${JSON.stringify(FOLDER)}, application ${JSON.stringify(APP_ID)}`)
  return new KWalletKeyring({
    wallet,
    folder: FOLDER,
    appId: APP_ID,
    items: ctx.items,
    connect: () => connectKWallet(ctx.env),
    shareUntilFailure: ctx.shareUntilFailure,
    display: hasDisplay(ctx.env),
    debug: (message) => ctx.debug(message),
  })
}
