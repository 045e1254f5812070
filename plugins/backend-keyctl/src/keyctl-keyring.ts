import {randomBytes} from 'node:crypto'

import type {BackendContext, ItemCodec, Keyring, KeyringItem} from '@vault-aws/cli/plugin-api'

import {CHUNK_PREFIX, chunkKey, decodeManifest, digest, encodeManifest, MAX_PAYLOAD, split, type Manifest} from './chunks.ts'
import {keyringError} from './errors.ts'
import {NO_RING, NO_SCOPE, NOT_FOUND, runKeyctl, type Operation, type Run} from './keyctl-runner.ts'
import {withRingLock} from './ring-lock.ts'
import {resolveSettings, type KeyctlSettings} from './settings.ts'

export interface KeyctlKeyringOptions {
  settings: KeyctlSettings
  /** The keyctl executable, absolute. */
  executable: string
  path: string | undefined
  items: ItemCodec
  debug(message: string): void
}

const encoder = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', {fatal: true})

/**
 * Items in the kernel keyring, laid out as aws-vault's keyctl backend lays them out: a keyring
 * named "aws-vault" in the user keyring, one "user" key per item with the item's key as its
 * description. The payload is the Item JSON every backend stores (so labels survive); a
 * payload that is not (aws-vault's raw data) reads as the data itself. An item larger than
 * one kernel key (32767 bytes) is split into chunk keys, its own key holding where they are.
 */
export class KeyctlKeyring implements Keyring {
  readonly settings: KeyctlSettings
  readonly #options: KeyctlKeyringOptions

  constructor(options: KeyctlKeyringOptions) {
    this.settings = options.settings
    this.#options = options
  }

  async get(key: string): Promise<KeyringItem> {
    const payload = await this.#read(key)
    if (payload === undefined) throw this.#notFound(key)
    const full = await this.#assemble(key, payload)
    let text: string | undefined
    try {
      text = strictUtf8.decode(full)
    } catch {
      text = undefined
    }
    // An Item JSON names its own key; anything else is the data itself.
    const decoded = text === undefined ? undefined : this.#options.items.decode(key, text)
    return decoded !== undefined && decoded.storedKey === key ? decoded.item : {key, data: new Uint8Array(full)}
  }

  async set(item: KeyringItem): Promise<void> {
    checkKey(item.key)
    const payload = encoder.encode(this.#options.items.encode(item))
    const previous = await this.#read(item.key)
    if (payload.byteLength <= MAX_PAYLOAD) {
      await this.#write(item.key, payload)
    } else {
      const manifest: Manifest = {id: randomBytes(16).toString('hex'), count: 0, sha256: digest(payload)}
      const pieces = split(payload)
      for (const [index, piece] of pieces.entries()) await this.#write(chunkKey(manifest.id, index), piece)
      manifest.count = pieces.length
      await this.#write(item.key, encodeManifest(manifest))
    }
    const old = previous === undefined ? undefined : decodeManifest(previous)
    if (old !== undefined) await this.#dropChunks(old)
  }

  async remove(key: string): Promise<void> {
    const payload = await this.#read(key)
    if (payload === undefined) throw this.#notFound(key)
    const run = await this.#run('unlink', key)
    if (run.code === NOT_FOUND) throw this.#notFound(key)
    if (run.code !== 0) throw this.#failure('unlink', key, run)
    const manifest = decodeManifest(payload)
    if (manifest !== undefined) await this.#dropChunks(manifest)
  }

  async keys(): Promise<string[]> {
    const run = await this.#run('list', '')
    if (run.code !== 0) throw this.#failure('list', '', run)
    const keys = new Set<string>()
    for (const entry of run.stdout.toString('utf8').split('\0')) {
      // rdescribe: type;uid;gid;perm;description — the description may itself hold ";".
      const fields = entry.replace(/\n$/, '').split(';')
      if (fields.length < 5 || fields[0] !== 'user') continue
      const description = fields.slice(4).join(';')
      if (description !== '' && !description.startsWith(CHUNK_PREFIX)) keys.add(description)
    }
    return [...keys].sort()
  }

  async #read(key: string): Promise<Uint8Array | undefined> {
    if (key === '') return undefined
    const run = await this.#run('read', key)
    if (run.code === NOT_FOUND && !deniedOrQuota(run.stderr)) return undefined
    if (run.code !== 0) throw this.#failure('read', key, run)
    return new Uint8Array(run.stdout)
  }

  async #write(key: string, payload: Uint8Array): Promise<void> {
    let run = await this.#run('write', key, payload)
    if (run.code === NO_RING) {
      // The first write creates the named keyring: one creator at a time, or one would displace the other's.
      await withRingLock(`${this.settings.scope}-${this.settings.ring}`, async () => {
        const made = await this.#run('mkring', '')
        if (made.code !== 0) throw this.#failure('mkring', this.settings.ring, made)
        this.#options.debug(`keyctl: keyring "${this.settings.ring}" ready in the ${this.settings.scope} keyring`)
      })
      run = await this.#run('write', key, payload)
    }
    if (run.code !== 0) throw this.#failure('write', key, run)
  }

  /** The whole payload: the item's own, or its chunks put back together and checked. */
  async #assemble(key: string, payload: Uint8Array): Promise<Uint8Array> {
    const manifest = decodeManifest(payload)
    if (manifest === undefined) return payload
    const pieces: Uint8Array[] = []
    for (let index = 0; index < manifest.count; index++) {
      const piece = await this.#read(chunkKey(manifest.id, index))
      if (piece === undefined)
        throw keyringError('BACKEND_CORRUPT', `keyctl item ${JSON.stringify(key)} is missing part ${index + 1} of ${manifest.count}`)
      pieces.push(piece)
    }
    const full = Buffer.concat(pieces)
    if (digest(full) !== manifest.sha256)
      throw keyringError('BACKEND_CORRUPT', `keyctl item ${JSON.stringify(key)}: its parts do not add up to what was stored`)
    return new Uint8Array(full.buffer, full.byteOffset, full.byteLength)
  }

  async #dropChunks(manifest: Manifest): Promise<void> {
    for (let index = 0; index < manifest.count; index++) await this.#run('unlink', chunkKey(manifest.id, index))
  }

  #run(operation: Operation, name: string, input?: Uint8Array): Promise<Run> {
    return runKeyctl(operation, name, {
      executable: this.#options.executable,
      scope: this.settings.scope,
      ring: this.settings.ring,
      path: this.#options.path,
      ...(input === undefined ? {} : {input}),
    })
  }

  #notFound(key: string): Error {
    return keyringError(
      'ITEM_NOT_FOUND',
      `no item ${JSON.stringify(key)} in the kernel keyring "${this.settings.ring}" (${this.settings.scope} scope)`,
    )
  }

  /** One line from keyctl's own complaint; never a payload (stdout is not quoted). */
  #failure(operation: Operation, key: string, run: Run): Error {
    const said = run.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit ${run.code}`
    const what = key === '' ? `keyctl ${operation}` : `keyctl ${operation} of ${JSON.stringify(key)}`
    if (/quota exceeded/i.test(run.stderr)) {
      return keyringError(
        'BACKEND_UNAVAILABLE',
        `${what}: the kernel's key quota for this user is full (see /proc/sys/kernel/keys/maxbytes and maxkeys): remove items or choose another backend`,
      )
    }
    if (run.code === NO_SCOPE) return keyringError('BACKEND_UNAVAILABLE', `cannot reach the ${this.settings.scope} kernel keyring: ${said}`)
    if (/permission denied|operation not permitted/i.test(run.stderr)) {
      return keyringError('BACKEND_UNAVAILABLE', `${what} refused by the kernel (${said}): is keyctl allowed in this container or sandbox?`)
    }
    return keyringError('BACKEND_UNAVAILABLE', `${what} failed: ${said}`)
  }
}

function deniedOrQuota(stderr: string): boolean {
  return /permission denied|operation not permitted|quota exceeded/i.test(stderr)
}

function checkKey(key: string): void {
  if (key === '') throw new TypeError('a keyring key must not be empty')
  if (key.startsWith(CHUNK_PREFIX)) throw new TypeError('a keyring key must not start with a control character')
}

export async function openKeyctlKeyring(ctx: BackendContext): Promise<KeyctlKeyring> {
  const settings = resolveSettings(ctx.env)
  const executable = ctx.findExecutable(settings.command)
  if (executable === undefined)
    throw keyringError(
      'BACKEND_UNAVAILABLE',
      `the keyctl command ${JSON.stringify(settings.command)} was not found: install keyutils (Debian package "keyutils")`,
    )
  return new KeyctlKeyring({settings, executable, path: ctx.env.PATH, items: ctx.items, debug: (message) => ctx.debug(message)})
}
