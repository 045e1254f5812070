import {stat} from 'node:fs/promises'
import {join} from 'node:path'

import type {BackendContext, DecodedItem, ItemCodec, Keyring, KeyringItem} from '@vault-aws/cli/plugin-api'

import {ENTRY_SUFFIX, entryName, listEntryKeys, mayHaveCollapsedSlashes, staleTemporaryEntries, temporaryEntryName} from './entry-name.ts'
import {keyringError} from './errors.ts'
import {needsPassphraseEntry, passFailure} from './pass-failure.ts'
import type {FailureContext} from './pass-failure.ts'
import {runPass} from './pass-runner.ts'
import type {PassRun} from './pass-runner.ts'
import {openStore} from './store.ts'
import type {PassStore} from './store.ts'

export interface PassKeyringOptions {
  store: PassStore
  env: Readonly<Record<string, string | undefined>>
  debug(message: string): void
  /** aws-vault's item JSON, which each entry holds. */
  items: ItemCodec
  /** Told just before gpg may show its passphrase entry. */
  beforeDialog(what: string): void
}

const strictUtf8 = new TextDecoder('utf-8', {fatal: true})

// A writer killed between its insert and its rename leaves the new entry behind; after this
// long no live writer can still own it.
const STALE_TEMPORARY_MS = 60 * 60 * 1000

// pass creates and prunes folders around each write and may commit to git: two changes to
// one store from this process never overlap.
const storeQueues = new Map<string, Promise<void>>()

function serialised<T>(dir: string, task: () => Promise<T>): Promise<T> {
  const run = (storeQueues.get(dir) ?? Promise.resolve()).then(task)
  const settled = run.then(
    () => undefined,
    () => undefined,
  )
  storeQueues.set(dir, settled)
  void settled.then(() => {
    if (storeQueues.get(dir) === settled) storeQueues.delete(dir)
  })
  return run
}

/** aws-vault's pass keyring: entry `<prefix>/<key>` holds the item's JSON, encrypted by pass. */
export class PassKeyring implements Keyring {
  readonly store: PassStore
  readonly #env: Record<string, string | undefined>
  readonly #withoutPinentry: Record<string, string | undefined>
  readonly #beforeDialog: (what: string) => void
  readonly #debug: (message: string) => void
  readonly #items: ItemCodec

  constructor(options: PassKeyringOptions) {
    this.store = options.store
    this.#debug = options.debug
    this.#items = options.items
    this.#beforeDialog = options.beforeDialog
    const gpgOptions = [options.env.PASSWORD_STORE_GPG_OPTS, '--status-fd=2'].filter(Boolean).join(' ')
    this.#env = {...options.env, PASSWORD_STORE_DIR: options.store.dir, PASSWORD_STORE_GPG_OPTS: gpgOptions}
    // Last, so it wins over a pinentry mode of the user's own for the first attempt only.
    this.#withoutPinentry = {...this.#env, PASSWORD_STORE_GPG_OPTS: `${gpgOptions} --pinentry-mode error`}
  }

  async get(key: string): Promise<KeyringItem> {
    const name = entryName(this.store.folder, key)
    if (name === undefined || !(await this.#exists(name))) throw this.#notFound(key)
    const decoded = await this.#read(name, key)
    if (decoded === undefined) {
      throw keyringError('BACKEND_CORRUPT', `pass entry ${JSON.stringify(name)} in ${this.store.dir} does not hold a keyring item`)
    }
    return decoded.item
  }

  async set(item: KeyringItem): Promise<void> {
    const name = entryName(this.store.folder, item.key)
    if (name === undefined) throw new TypeError(`${JSON.stringify(item.key)} cannot name a pass entry inside the store's prefix`)
    const input = this.#items.encode(item)
    // gpg writes an entry in place, so an insert cut short (Ctrl-C, a kill, a crash) would leave
    // it truncated and its keys lost. The new entry is written beside it and renamed over it:
    // `pass mv` in one folder is a rename, and the recipients stay those of that folder.
    const temporary = temporaryEntryName(name)
    await serialised(this.store.dir, async () => {
      await this.#pass('insert', name, ['insert', '-m', '-f', '--', temporary], input)
      try {
        await this.#pass('mv', name, ['mv', '-f', '--', temporary, name])
      } catch (error) {
        await runPass(this.store.executable, ['rm', '-f', '--', temporary], {env: this.#env}).catch(() => undefined)
        throw error
      }
      for (const stale of await staleTemporaryEntries(this.store.dir, name, STALE_TEMPORARY_MS)) {
        await runPass(this.store.executable, ['rm', '-f', '--', stale], {env: this.#env}).catch(() => undefined)
      }
    })
  }

  async remove(key: string): Promise<void> {
    const name = entryName(this.store.folder, key)
    if (name === undefined || !(await this.#exists(name))) throw this.#notFound(key)
    await serialised(this.store.dir, () => this.#pass('rm', name, ['rm', '-f', '--', name]))
  }

  async keys(): Promise<string[]> {
    const listed = await listEntryKeys(join(this.store.dir, this.store.folder))
    const keys = new Set<string>()
    for (const key of listed) keys.add(mayHaveCollapsedSlashes(key) ? await this.#originalKey(key) : key)
    return [...keys].sort()
  }

  /**
   * The key as it was given, before the path join collapsed its slashes: the item's own
   * `Key`, trusted only when it names this very entry.
   */
  async #originalKey(listed: string): Promise<string> {
    const name = entryName(this.store.folder, listed)
    if (name === undefined) return listed
    try {
      const storedKey = (await this.#read(name, listed))?.storedKey
      if (storedKey !== undefined && entryName(this.store.folder, storedKey) === name) return storedKey
    } catch (error) {
      this.#debug(`pass: listing ${JSON.stringify(listed)} by its entry name: ${(error as Error).message}`)
    }
    return listed
  }

  async #read(name: string, key: string): Promise<DecodedItem | undefined> {
    const run = await this.#show(name)
    let text: string
    try {
      text = strictUtf8.decode(run.stdout)
    } catch {
      // Not UTF-8, so not an item's JSON.
      return undefined
    }
    return this.#items.decode(key, text)
  }

  /**
   * `pass show`, with gpg first told to start no pinentry: while the agent holds the key that is
   * the only run. When gpg needs the passphrase, vault hears of the dialog before the run that may
   * show it, so a caller that must not ask (the fast path) can stop there and leave it to one
   * that may.
   */
  async #show(name: string): Promise<PassRun> {
    this.#debug(`pass: show ${JSON.stringify(name)} in ${this.store.dir} while gpg-agent holds the key`)
    const run = await runPass(this.store.executable, ['show', '--', name], {env: this.#withoutPinentry})
    if (run.code === 0) return run
    if (!needsPassphraseEntry(run)) throw this.#failure(run, 'show', name)
    this.#beforeDialog(`gpg's passphrase entry for pass entry ${JSON.stringify(name)}`)
    return this.#pass('show', name, ['show', '--', name])
  }

  async #pass(operation: FailureContext['operation'], name: string, args: string[], input?: string) {
    this.#debug(`pass: ${operation} ${JSON.stringify(name)} in ${this.store.dir}`)
    const run = await runPass(this.store.executable, args, {env: this.#env, input})
    if (run.code === 0) return run
    throw this.#failure(run, operation, name)
  }

  #failure(run: PassRun, operation: FailureContext['operation'], name: string): Error {
    return passFailure(run, {operation, name, dir: this.store.dir, gnupgHome: this.#env.GNUPGHOME || '~/.gnupg'})
  }

  async #exists(name: string): Promise<boolean> {
    const info = await stat(join(this.store.dir, `${name}${ENTRY_SUFFIX}`)).catch(() => undefined)
    return info?.isFile() ?? false
  }

  #notFound(key: string): Error {
    return keyringError('ITEM_NOT_FOUND', `no item ${JSON.stringify(key)} in the password store at ${this.store.dir}`)
  }
}

export async function openPassKeyring(ctx: BackendContext): Promise<PassKeyring> {
  return new PassKeyring({
    store: await openStore(ctx),
    env: ctx.env,
    debug: (message) => ctx.debug(message),
    items: ctx.items,
    beforeDialog: (what) => ctx.beforeDialog(what),
  })
}
