import type {BackendContext} from '@vault-aws/cli/plugin-api'

import {type DBusClient, DBusError, variantValue, type MethodCall} from '../dbus/client.ts'
import {DH_ALGORITHM, dhOffer, plainTransport, type SecretTransport} from './transport.ts'

const DEST = 'org.freedesktop.secrets'
const ROOT = '/org/freedesktop/secrets'
const SERVICE = 'org.freedesktop.Secret.Service'
const COLLECTION = 'org.freedesktop.Secret.Collection'
const ITEM = 'org.freedesktop.Secret.Item'
const PROMPT = 'org.freedesktop.Secret.Prompt'
const PROPERTIES = 'org.freedesktop.DBus.Properties'
const NO_PROMPT = '/'

/** The D-Bus names that mean an object (item, collection) is gone, from the spec and from gnome-keyring. */
export function isNoSuchObject(error: unknown): boolean {
  if (!(error instanceof DBusError)) return false
  return (
    error.dbusName === 'org.freedesktop.Secret.Error.NoSuchObject' ||
    error.dbusName === 'org.freedesktop.DBus.Error.UnknownObject' ||
    (error.dbusName === 'org.freedesktop.DBus.Error.UnknownMethod' && /does not exist|no such object/i.test(error.message))
  )
}

/** Thrown when the user (or the absence of a prompter) dismissed an unlock or create prompt. */
export class PromptDismissed extends Error {
  /** Unlocking failed (the store stays locked) or something else the service asked about. */
  readonly kind: 'unlock' | 'other'

  constructor(what: string, kind: 'unlock' | 'other') {
    super(`${what}: the Secret Service's prompt was dismissed (or no prompter could be shown)`)
    this.name = 'PromptDismissed'
    this.kind = kind
  }
}

export interface NewItem {
  label: string
  attributes: Record<string, string>
  secret: Uint8Array
  contentType: string
}

interface Session {
  path: string
  transport: SecretTransport
}

/**
 * A client of the freedesktop Secret Service API (gnome-keyring, KWallet, KeePassXC) over
 * one bus connection and one session. Secrets cross the bus encrypted when the service
 * offers the spec's Diffie-Hellman session, and in the clear (as aws-vault sends them) only
 * when it does not.
 */
export class SecretService {
  readonly #bus: DBusClient
  readonly #session: () => Promise<Session>
  readonly #beforeDialog: BackendContext['beforeDialog']

  /**
   * From the host's context: `shareUntilFailure` negotiates one session, again only after a failure, and
   * `beforeDialog` is told before the service's own prompt shows.
   */
  constructor(bus: DBusClient, ctx: Pick<BackendContext, 'shareUntilFailure' | 'beforeDialog'>) {
    this.#bus = bus
    this.#session = ctx.shareUntilFailure(() => this.#negotiate())
    this.#beforeDialog = ctx.beforeDialog
  }

  close(): void {
    this.#bus.close()
  }

  /** Paths of every collection the service has. */
  async collections(timeoutMs?: number): Promise<string[]> {
    return (await this.#property(ROOT, SERVICE, 'Collections', timeoutMs)) as string[]
  }

  /**
   * The collection aws-vault would use for `name`: the one at `.../collection/<name>`, else
   * one labelled `name` (services that do not derive paths from labels).
   */
  async findCollection(name: string, timeoutMs?: number): Promise<string | undefined> {
    const paths = await this.collections(timeoutMs)
    const byPath = paths.find((path) => path === `${ROOT}/collection/${name}`)
    if (byPath !== undefined) return byPath
    for (const path of paths) {
      const label = await this.#property(path, COLLECTION, 'Label', timeoutMs).catch(() => undefined)
      if (label === name) return path
    }
    return undefined
  }

  /** Creates a collection labelled `name`; the service may ask the user for its password. */
  async createCollection(name: string): Promise<string> {
    const [path, prompt] = (await this.#call(ROOT, SERVICE, 'CreateCollection', 'a{sv}s', [
      [['org.freedesktop.Secret.Collection.Label', ['s', name]]],
      '',
    ])) as [string, string]
    if (prompt === NO_PROMPT) return path
    const result = await this.#prompt(prompt, `creating the Secret Service collection ${JSON.stringify(name)}`, 'other')
    return result as string
  }

  async isLocked(path: string, iface: 'collection' | 'item', timeoutMs?: number): Promise<boolean> {
    return (await this.#property(path, iface === 'collection' ? COLLECTION : ITEM, 'Locked', timeoutMs)) === true
  }

  /** Unlocks `path` (a collection or item) if it is locked, through the service's own prompt. */
  async ensureUnlocked(path: string, iface: 'collection' | 'item', what: string): Promise<void> {
    if (!(await this.isLocked(path, iface))) return
    const [, prompt] = (await this.#call(ROOT, SERVICE, 'Unlock', 'ao', [[path]])) as [string[], string]
    if (prompt !== NO_PROMPT) await this.#prompt(prompt, `unlocking ${what}`, 'unlock')
  }

  /** Items of `collection` whose attributes include all of `attributes`. */
  async searchItems(collection: string, attributes: Record<string, string>): Promise<string[]> {
    const [paths] = (await this.#call(collection, COLLECTION, 'SearchItems', 'a{ss}', [Object.entries(attributes)])) as [string[]]
    return paths
  }

  async items(collection: string): Promise<string[]> {
    return (await this.#property(collection, COLLECTION, 'Items')) as string[]
  }

  async attributes(item: string): Promise<Record<string, string>> {
    const pairs = (await this.#property(item, ITEM, 'Attributes')) as [string, string][]
    return Object.fromEntries(pairs)
  }

  /** Creates an item, or replaces the one with the same attributes when `replace`. */
  async createItem(collection: string, item: NewItem, replace: boolean): Promise<string> {
    const session = await this.#openSession()
    const {parameters, value} = session.transport.seal(item.secret)
    const [path, prompt] = (await this.#call(collection, COLLECTION, 'CreateItem', 'a{sv}(oayays)b', [
      [
        ['org.freedesktop.Secret.Item.Label', ['s', item.label]],
        ['org.freedesktop.Secret.Item.Attributes', ['a{ss}', Object.entries(item.attributes)]],
      ],
      [session.path, parameters, value, item.contentType],
      replace,
    ])) as [string, string]
    if (prompt === NO_PROMPT) return path
    return (await this.#prompt(prompt, 'storing an item', 'other')) as string
  }

  async getSecret(item: string): Promise<Uint8Array> {
    const session = await this.#openSession()
    const [[, parameters, value]] = (await this.#call(item, ITEM, 'GetSecret', 'o', [session.path])) as [[string, Buffer, Buffer, string]]
    return session.transport.open(parameters, value)
  }

  async deleteItem(item: string): Promise<void> {
    const [prompt] = (await this.#call(item, ITEM, 'Delete')) as [string]
    if (prompt !== NO_PROMPT) await this.#prompt(prompt, 'deleting an item', 'other')
  }

  /** The algorithm the session negotiated: shown by tests, never chosen by callers. */
  async transferAlgorithm(): Promise<string> {
    return (await this.#openSession()).transport === plainTransport ? 'plain' : DH_ALGORITHM
  }

  #openSession(): Promise<Session> {
    return this.#session()
  }

  async #negotiate(): Promise<Session> {
    const offer = dhOffer()
    try {
      const [output, path] = (await this.#call(ROOT, SERVICE, 'OpenSession', 'sv', [DH_ALGORITHM, ['ay', offer.publicKey]])) as [
        unknown,
        string,
      ]
      const servicePublicKey = variantValue(output)
      if (Buffer.isBuffer(servicePublicKey)) return {path, transport: offer.complete(servicePublicKey)}
    } catch (error) {
      if (!(error instanceof DBusError) || error.dbusName !== 'org.freedesktop.DBus.Error.NotSupported') throw error
    }
    const [, path] = (await this.#call(ROOT, SERVICE, 'OpenSession', 'sv', ['plain', ['s', '']])) as [unknown, string]
    return {path, transport: plainTransport}
  }

  /** Runs a prompt and returns its result; throws PromptDismissed when it was dismissed. */
  async #prompt(prompt: string, what: string, kind: 'unlock' | 'other'): Promise<unknown> {
    this.#beforeDialog(`the Secret Service's prompt for ${what}`)
    const [dismissed, result] = (await this.#bus.nextSignal(prompt, PROMPT, 'Completed', async () => {
      await this.#call(prompt, PROMPT, 'Prompt', 's', [''])
    })) as [boolean, unknown]
    if (dismissed) throw new PromptDismissed(what, kind)
    return variantValue(result)
  }

  async #property(path: string, iface: string, name: string, timeoutMs?: number): Promise<unknown> {
    const [value] = await this.#call(path, PROPERTIES, 'Get', 'ss', [iface, name], timeoutMs)
    return variantValue(value)
  }

  #call(path: string, iface: string, member: string, signature?: string, body?: unknown[], timeoutMs?: number): Promise<unknown[]> {
    const message: MethodCall = {destination: DEST, path, interface: iface, member}
    if (signature !== undefined) message.signature = signature
    if (body !== undefined) message.body = body
    return this.#bus.call(message, timeoutMs)
  }
}
