import {readdirSync, readFileSync} from 'node:fs'
import {readFile, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import type {BackendContext, ItemCodec, Keyring, KeyringItem, ShareUntilFailure} from '@vault-aws/cli/plugin-api'

import {removeStaleTempFiles, syncDir, writeFileAtomic} from './atomic-write.ts'
import {hasCode, keyringError} from './errors.ts'
import {itemKeyOf, keyToFilename} from './filename.ts'
import {decrypt, encrypt} from './jwe.ts'
import {PassphraseKeeper} from './kept-passphrase.ts'
import {ensureStoreDir, resolveStoreDir} from './store-dir.ts'

export interface FileKeyringOptions {
  dir: string
  /** Used as given when set (even empty, as aws-vault does); otherwise asked for once. */
  passphrase?: string
  promptSecret(message: string): Promise<string>
  /** What `vault unlock` kept for this store, asked before prompting. */
  keptPassphrase?: () => Promise<string | undefined>
  debug(message: string): void
  /** aws-vault's item JSON, which each file holds encrypted. */
  items: ItemCodec
  /** The host's: the store directory, the passphrase and its check are each done once, unless they fail. */
  shareUntilFailure: ShareUntilFailure
}

// A writer killed between creating and renaming its temp file leaves it behind; after this
// long no live writer can still own it.
const STALE_TEMP_MS = 60 * 60 * 1000

const strictUtf8 = new TextDecoder('utf-8', {fatal: true})

/** aws-vault's file keyring: one passphrase-encrypted JWE file per item. */
export class FileKeyring implements Keyring {
  readonly dir: string
  readonly #options: FileKeyringOptions
  readonly #ready: () => Promise<void>
  readonly #passphrase: () => Promise<string>
  readonly #verification: (passphrase: string) => Promise<void>
  #verified = false

  constructor(options: FileKeyringOptions) {
    this.dir = options.dir
    this.#options = options
    const share = options.shareUntilFailure
    this.#ready = share(() => ensureStoreDir(this.dir, options.debug))
    this.#passphrase = share(() => this.#findPassphrase())
    this.#verification = share((passphrase: string) => this.#verify(passphrase))
  }

  async get(key: string): Promise<KeyringItem> {
    await this.#prepare()
    const file = this.#fileOf(key)
    if (file === undefined) throw notFound(key)
    let token: string
    try {
      // Reads (and the listing below) are synchronous: an item is a small local file, and loading
      // node:fs/promises would cost more than reading it, on every credential_process call.
      token = readFileSync(file, 'utf8')
    } catch (error) {
      const {code, message} = error as NodeJS.ErrnoException
      if (code === 'ENOENT') throw notFound(key)
      throw keyringError('BACKEND_UNAVAILABLE', `cannot read ${file}: ${code ?? message}`)
    }
    const item = this.#decode(key, await decrypt(token, await this.#unlock(), file))
    if (item === undefined) throw keyringError('BACKEND_CORRUPT', `${file} does not hold a keyring item`)
    this.#verified = true
    return item
  }

  async set(item: KeyringItem): Promise<void> {
    const file = this.#fileOf(item.key)
    if (file === undefined) throw new TypeError('a keyring key must not be empty')
    await this.#prepare()
    const passphrase = await this.#unlock()
    if (!this.#verified) await this.#verifyOnce(passphrase)
    const token = await encrypt(new TextEncoder().encode(this.#options.items.encode(item)), passphrase)
    await writeFileAtomic(this.dir, keyToFilename(item.key), token).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENAMETOOLONG') throw nameTooLong(item.key, this.dir)
      throw keyringError('BACKEND_UNAVAILABLE', `cannot write ${file}: ${error.code ?? error.message}`)
    })
    this.#verified = true
  }

  async remove(key: string): Promise<void> {
    await this.#prepare()
    const file = this.#fileOf(key)
    if (file === undefined) throw notFound(key)
    await unlink(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw notFound(key)
      throw keyringError('BACKEND_UNAVAILABLE', `cannot remove ${file}: ${error.code ?? error.message}`)
    })
    await syncDir(this.dir)
  }

  async keys(): Promise<string[]> {
    await this.#prepare()
    const entries = readdirSync(this.dir, {withFileTypes: true})
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort()
      .flatMap((name) => itemKeyOf(name) ?? [])
  }

  /** Plaintext that is not UTF-8 is not an item's JSON. */
  #decode(key: string, plaintext: Uint8Array): KeyringItem | undefined {
    let json: string
    try {
      json = strictUtf8.decode(plaintext)
    } catch {
      return undefined
    }
    return this.#options.items.decode(key, json)?.item
  }

  #fileOf(key: string): string | undefined {
    return key === '' ? undefined : join(this.dir, keyToFilename(key))
  }

  #prepare(): Promise<void> {
    return this.#ready()
  }

  /**
   * Proves the passphrase on an item of the store (any passphrase opens an empty one) and
   * returns it: what `vault unlock` keeps.
   */
  async checkPassphrase(): Promise<string> {
    await this.#prepare()
    const passphrase = await this.#unlock()
    if (!this.#verified) await this.#verifyOnce(passphrase)
    return passphrase
  }

  /** The passphrase, asked for at most once per keyring (concurrent callers share the question). */
  #unlock(): Promise<string> {
    return this.#passphrase()
  }

  async #findPassphrase(): Promise<string> {
    const {keptPassphrase, passphrase, promptSecret} = this.#options
    if (passphrase !== undefined) return passphrase
    const kept = await keptPassphrase?.()
    if (kept !== undefined) {
      this.#options.debug('using the passphrase vault unlock keeps in the kernel keyring')
      return kept
    }
    return promptSecret(`Enter passphrase to unlock ${JSON.stringify(this.dir)}: `)
  }

  #verifyOnce(passphrase: string): Promise<void> {
    return this.#verification(passphrase)
  }

  /**
   * Before the first write, proves the passphrase on an item already in the store, so one
   * store never holds items under two passphrases. Unreadable items prove nothing either way.
   */
  async #verify(passphrase: string): Promise<void> {
    await removeStaleTempFiles(this.dir, STALE_TEMP_MS)
    for (const key of await this.keys()) {
      const file = join(this.dir, keyToFilename(key))
      const token = await readFile(file, 'utf8').catch(() => undefined)
      if (token === undefined) continue
      try {
        await decrypt(token, passphrase, file)
      } catch (error) {
        if (hasCode(error, 'BACKEND_CORRUPT')) continue
        throw error
      }
      this.#verified = true
      return
    }
  }
}

function notFound(key: string): Error {
  return keyringError('ITEM_NOT_FOUND', `no item ${JSON.stringify(key)} in the file keyring`)
}

export function openFileKeyring(ctx: BackendContext): FileKeyring {
  const dir = resolveStoreDir(ctx.env, ctx.homedir)
  const keeper = passphraseKeeper(ctx, dir)
  return new FileKeyring({
    dir,
    passphrase: ctx.env.AWS_VAULT_FILE_PASSPHRASE,
    promptSecret: (message) => ctx.promptSecret(message),
    keptPassphrase: () => keeper.read(),
    debug: (message) => ctx.debug(message),
    items: ctx.items,
    shareUntilFailure: ctx.shareUntilFailure,
  })
}

export function passphraseKeeper(ctx: BackendContext, dir: string): PassphraseKeeper {
  return new PassphraseKeeper(dir, {executable: ctx.findExecutable('keyctl'), path: ctx.env.PATH})
}

/** The item's file name is longer than the file system allows: say so without quoting a path of hundreds of characters. */
function nameTooLong(key: string, dir: string): Error {
  const shown = key.length > 32 ? `${key.slice(0, 32)}…" (${key.length} characters)` : `${key}"`
  return keyringError(
    'BACKEND_UNAVAILABLE',
    `cannot store "${shown} in ${dir}: the name is too long for a file name there (ENAMETOOLONG); use a shorter profile name`,
  )
}
