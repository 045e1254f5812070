import {createRequire} from 'node:module'
import {createConnection, type Socket} from 'node:net'

import {socketOf} from './address.ts'

/** One method call; `body` is in @homebridge/dbus-native's value form for `signature`. */
export interface MethodCall {
  destination: string
  path: string
  interface: string
  member: string
  signature?: string
  body?: unknown[]
}

/** A D-Bus error reply (`name` like `org.freedesktop.DBus.Error.ServiceUnknown`) or a broken connection. */
export class DBusError extends Error {
  readonly dbusName: string

  constructor(dbusName: string, message: string, options?: {cause?: unknown}) {
    super(message, options)
    this.name = 'DBusError'
    this.dbusName = dbusName
  }
}

export const CONNECTION_LOST = 'vault.ConnectionLost'
export const CALL_TIMEOUT = 'vault.Timeout'

const BUS = 'org.freedesktop.DBus'
const BUS_PATH = '/org/freedesktop/DBus'

// A message as @homebridge/dbus-native's wire format reads and writes it.
interface WireMessage {
  type: number
  serial: number
  flags?: number
  replySerial?: number
  errorName?: string
  destination?: string
  sender?: string
  path?: string
  interface?: string
  member?: string
  signature?: string
  body?: unknown[]
}

// Only the authentication and the wire format of @homebridge/dbus-native (which ships no types for
// them): its bus object loads an XML parser for introspection, 45 modules vault never uses.
interface Wire {
  handshake(stream: Socket, options: object, done: (error: Error | null) => void): void
  marshall(message: WireMessage): Buffer
  unmarshalMessages(stream: Socket, onMessage: (message: WireMessage) => void, options: object): void
}

const METHOD_CALL = 1
const METHOD_RETURN = 2
const ERROR = 3
const SIGNAL = 4
const NO_REPLY_EXPECTED = 1

function loadWire(): Wire {
  const require = createRequire(import.meta.url)
  const handshake = require('@homebridge/dbus-native/lib/handshake.js') as Wire['handshake']
  const {marshall, unmarshalMessages} = require('@homebridge/dbus-native/lib/message.js') as Omit<Wire, 'handshake'>
  return {handshake, marshall, unmarshalMessages}
}

type SignalListener = (body: unknown[]) => void

/**
 * A connection to one bus. The socket keeps the process alive only while a call is
 * pending, so a command that is done can exit without closing the keyring.
 */
export class DBusClient {
  readonly #wire: Wire
  readonly #socket: Socket
  readonly #pending = new Set<(error: Error) => void>()
  readonly #replies = new Map<number, (message: WireMessage) => void>()
  readonly #signals = new Map<string, Set<SignalListener>>()
  #serial = 1
  #broken: DBusError | undefined

  private constructor(wire: Wire, socket: Socket) {
    this.#wire = wire
    this.#socket = socket
    socket.on('error', (error) => this.#fail(new DBusError(CONNECTION_LOST, `D-Bus connection failed: ${describe(error)}`, {cause: error})))
    socket.on('close', () => this.#fail(new DBusError(CONNECTION_LOST, 'the D-Bus connection was closed')))
  }

  /** Connects and authenticates to the bus at `address`, and says Hello; rejects with a DBusError. */
  static async connect(address: string, timeoutMs: number, env: Readonly<Record<string, string | undefined>> = {}): Promise<DBusClient> {
    const path = socketOf(address, env)
    if (path === undefined) throw new DBusError(CONNECTION_LOST, `unsupported D-Bus address ${JSON.stringify(address)}`)
    const wire = loadWire()
    const socket = createConnection(path)
    const client = new DBusClient(wire, socket)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new DBusError(CALL_TIMEOUT, `the D-Bus session bus did not answer within ${timeoutMs} ms`))
      }, timeoutMs)
      const refused = (error: Error) => {
        clearTimeout(timer)
        socket.destroy()
        reject(
          new DBusError(CONNECTION_LOST, `cannot connect to the D-Bus session bus at ${JSON.stringify(address)}: ${describe(error)}`, {
            cause: error,
          }),
        )
      }
      socket.once('error', refused)
      wire.handshake(socket, {}, (error) => {
        if (error) return refused(error)
        clearTimeout(timer)
        socket.off('error', refused)
        wire.unmarshalMessages(socket, (message) => client.#receive(message), {})
        resolve()
      })
    })
    // The bus admits a connection only after Hello; every other call waits behind it.
    await client.call({destination: BUS, path: BUS_PATH, interface: BUS, member: 'Hello'}, timeoutMs).catch((error: unknown) => {
      socket.destroy()
      throw error
    })
    socket.unref()
    return client
  }

  /** The reply's body; rejects with a DBusError for an error reply, a broken connection or `timeoutMs`. */
  call(message: MethodCall, timeoutMs?: number): Promise<unknown[]> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken)
    return new Promise<unknown[]>((resolve, reject) => {
      const serial = this.#serial++
      let timer: NodeJS.Timeout | undefined
      const settle = () => {
        if (timer !== undefined) clearTimeout(timer)
        this.#replies.delete(serial)
        this.#pending.delete(rejectCall)
        if (this.#pending.size === 0) this.#socket.unref()
      }
      const rejectCall = (error: Error) => {
        settle()
        reject(error)
      }
      this.#pending.add(rejectCall)
      this.#socket.ref()
      if (timeoutMs !== undefined) {
        timer = setTimeout(
          () => rejectCall(new DBusError(CALL_TIMEOUT, `${message.member} got no answer within ${timeoutMs} ms`)),
          timeoutMs,
        )
      }
      this.#replies.set(serial, (reply) => {
        settle()
        const body = reply.body ?? []
        if (reply.type === METHOD_RETURN) return resolve(body)
        const name = reply.errorName ?? 'org.freedesktop.DBus.Error.Failed'
        reject(new DBusError(name, typeof body[0] === 'string' && body[0] !== '' ? body[0] : name))
      })
      this.#send({...message, type: METHOD_CALL, serial})
    })
  }

  /**
   * Waits for one signal from `path`; `subscribe` is called once the match is in place, so
   * a signal caused by it cannot be missed.
   */
  async nextSignal(path: string, iface: string, member: string, subscribe: () => Promise<void>): Promise<unknown[]> {
    const rule = `type='signal',path='${path}',interface='${iface}',member='${member}'`
    const busCall = (name: string) => ({
      destination: BUS,
      path: BUS_PATH,
      interface: BUS,
      member: name,
      signature: 's',
      body: [rule],
    })
    await this.call(busCall('AddMatch'))
    const key = signalKey(path, iface, member)
    try {
      return await new Promise<unknown[]>((resolve, reject) => {
        const listener = (body: unknown[]) => {
          this.#pending.delete(fail)
          if (this.#pending.size === 0) this.#socket.unref()
          this.#signals.get(key)?.delete(listener)
          resolve(body)
        }
        const fail = (error: Error) => {
          this.#pending.delete(fail)
          this.#signals.get(key)?.delete(listener)
          reject(error)
        }
        this.#pending.add(fail)
        this.#socket.ref()
        const listeners = this.#signals.get(key) ?? new Set()
        this.#signals.set(key, listeners.add(listener))
        subscribe().catch(fail)
      })
    } finally {
      await this.call(busCall('RemoveMatch')).catch(() => undefined)
    }
  }

  close(): void {
    this.#broken ??= new DBusError(CONNECTION_LOST, 'the D-Bus connection was closed')
    this.#socket.destroy()
  }

  #send(message: WireMessage): void {
    this.#socket.write(this.#wire.marshall(message))
  }

  #receive(message: WireMessage): void {
    if (message.type === METHOD_RETURN || message.type === ERROR) {
      if (message.replySerial !== undefined) this.#replies.get(message.replySerial)?.(message)
    } else if (message.type === SIGNAL) {
      const key = signalKey(message.path, message.interface, message.member)
      for (const listener of [...(this.#signals.get(key) ?? [])]) listener(message.body ?? [])
    } else if (message.type === METHOD_CALL && ((message.flags ?? 0) & NO_REPLY_EXPECTED) === 0) {
      // This client serves no objects; a caller learns so at once instead of waiting for its timeout.
      this.#send({
        type: ERROR,
        serial: this.#serial++,
        replySerial: message.serial,
        ...(message.sender === undefined ? {} : {destination: message.sender}),
        errorName: 'org.freedesktop.DBus.Error.UnknownMethod',
        signature: 's',
        body: [`no object here serves ${message.interface ?? ''}.${message.member ?? ''}`],
      })
    }
  }

  #fail(error: DBusError): void {
    this.#broken ??= error
    for (const reject of [...this.#pending]) reject(error)
  }
}

function signalKey(path: string | undefined, iface: string | undefined, member: string | undefined): string {
  return `${path ?? ''} ${iface ?? ''} ${member ?? ''}`
}

function describe(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message
}

/** A variant as @homebridge/dbus-native returns it: `[signature, [value]]`. */
export function variantValue(variant: unknown): unknown {
  if (Array.isArray(variant) && variant.length === 2 && Array.isArray(variant[1])) return variant[1][0]
  return undefined
}
