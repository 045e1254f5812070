import {DBusClient, type MethodCall, sessionBusLocation} from '@vault-aws/plugin-backend-keyring/dbus'

import {keyringError, NO_DAEMON_MESSAGE, translate} from './errors.ts'

type Env = Readonly<Record<string, string | undefined>>

/** A KWallet daemon's bus name and the object that answers KWallet's interface there. */
export interface DaemonAddress {
  name: string
  path: string
}

/**
 * Plasma 6's daemon first, then Plasma 5's. kwalletd6 also owns org.kde.kwalletd5 (at /modules/kwalletd5)
 * for KF5 programs such as aws-vault, so on Plasma 6 both reach the same daemon and the same wallets; on
 * Plasma 5 only kwalletd5 exists.
 */
export const DAEMONS: readonly DaemonAddress[] = [
  {name: 'org.kde.kwalletd6', path: '/modules/kwalletd6'},
  {name: 'org.kde.kwalletd5', path: '/modules/kwalletd5'},
]

const KWALLET = 'org.kde.KWallet'
const BUS = {destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus'}

export const CONNECT_TIMEOUT_MS = 5000

/** Which daemon to talk to: one that runs now, else one the bus starts on the first call. */
export interface FoundDaemon {
  address: DaemonAddress
  running: boolean
}

/** The first daemon of DAEMONS that owns its name on the bus, else the first the bus can start; undefined for neither. */
export async function findDaemon(bus: DBusClient, timeoutMs?: number): Promise<FoundDaemon | undefined> {
  for (const address of DAEMONS) {
    const [owned] = await bus.call({...BUS, member: 'NameHasOwner', signature: 's', body: [address.name]}, timeoutMs)
    if (owned === true) return {address, running: true}
  }
  const [activatable] = (await bus.call({...BUS, member: 'ListActivatableNames'}, timeoutMs)) as [string[]]
  const address = DAEMONS.find((candidate) => activatable.includes(candidate.name))
  return address === undefined ? undefined : {address, running: false}
}

/** Connects to the session bus `env` points at and finds a KWallet daemon there; BACKEND_UNAVAILABLE without one. */
export async function connectKWallet(env: Env, timeoutMs = CONNECT_TIMEOUT_MS): Promise<KWalletDaemon> {
  const location = sessionBusLocation(env)
  if ('reason' in location) throw keyringError('BACKEND_UNAVAILABLE', location.reason)
  let bus: DBusClient
  try {
    bus = await DBusClient.connect(location.address, timeoutMs, env)
  } catch (error) {
    throw translate(error, 'connecting to the session bus')
  }
  try {
    const found = await findDaemon(bus, timeoutMs)
    if (found === undefined) throw keyringError('BACKEND_UNAVAILABLE', NO_DAEMON_MESSAGE)
    return new KWalletDaemon(bus, found)
  } catch (error) {
    bus.close()
    throw translate(error, 'looking for the KWallet daemon')
  }
}

/**
 * KWallet's own D-Bus interface (org.kde.KWallet), the calls aws-vault's keyring library makes plus the
 * ones that answer without opening a wallet. Handles belong to an application id; a handle that is no
 * longer open makes every call answer empty (an empty value, an empty list, false, -1).
 */
export class KWalletDaemon {
  readonly address: DaemonAddress
  /** Whether the daemon ran when it was found (otherwise the bus starts it on the first call). */
  readonly running: boolean
  readonly #bus: DBusClient

  constructor(bus: DBusClient, found: FoundDaemon) {
    this.#bus = bus
    this.address = found.address
    this.running = found.running
  }

  close(): void {
    this.#bus.close()
  }

  /** The wallets that exist (a file each), open or not. */
  async wallets(timeoutMs?: number): Promise<string[]> {
    return (await this.#call('wallets', undefined, [], timeoutMs))[0] as string[]
  }

  async isWalletOpen(wallet: string, timeoutMs?: number): Promise<boolean> {
    return (await this.#call('isOpen', 's', [wallet], timeoutMs))[0] === true
  }

  async isHandleOpen(handle: number): Promise<boolean> {
    return (await this.#call('isOpen', 'i', [handle]))[0] === true
  }

  /**
   * A handle on `wallet` for `appId`, or -1 when KWallet refused (its dialog cancelled, access denied).
   * Waits as long as KWallet's password or new-wallet dialog is shown: a person is typing.
   */
  async open(wallet: string, appId: string): Promise<number> {
    return (await this.#call('open', 'sxs', [wallet, 0, appId]))[0] as number
  }

  async hasFolder(handle: number, folder: string, appId: string): Promise<boolean> {
    return (await this.#call('hasFolder', 'iss', [handle, folder, appId]))[0] === true
  }

  async hasEntry(handle: number, folder: string, key: string, appId: string): Promise<boolean> {
    return (await this.#call('hasEntry', 'isss', [handle, folder, key, appId]))[0] === true
  }

  async entryList(handle: number, folder: string, appId: string): Promise<string[]> {
    return (await this.#call('entryList', 'iss', [handle, folder, appId]))[0] as string[]
  }

  /** The entry's bytes; empty for no such entry (or a handle no longer open). */
  async readEntry(handle: number, folder: string, key: string, appId: string): Promise<Buffer> {
    const [value] = await this.#call('readEntry', 'isss', [handle, folder, key, appId])
    return Buffer.isBuffer(value) ? value : Buffer.from(value as number[])
  }

  /** Writes a binary ("stream") entry, the form aws-vault writes; 0 on success. */
  async writeEntry(handle: number, folder: string, key: string, value: Uint8Array, appId: string): Promise<number> {
    return (await this.#call('writeEntry', 'issays', [handle, folder, key, Buffer.from(value), appId]))[0] as number
  }

  /** 0 when removed, -3 when there was no such entry, -1 for a handle no longer open. */
  async removeEntry(handle: number, folder: string, key: string, appId: string): Promise<number> {
    return (await this.#call('removeEntry', 'isss', [handle, folder, key, appId]))[0] as number
  }

  #call(member: string, signature: string | undefined, body: unknown[], timeoutMs?: number): Promise<unknown[]> {
    const message: MethodCall = {destination: this.address.name, path: this.address.path, interface: KWALLET, member}
    if (signature !== undefined) {
      message.signature = signature
      message.body = body
    }
    return this.#bus.call(message, timeoutMs)
  }
}
