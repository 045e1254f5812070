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

interface ReplyError {
  name?: string
  message?: string
}

// The slice of @homebridge/dbus-native this client uses (the package ships no usable types).
interface NativeConnection {
  on(event: 'connect' | 'end', listener: () => void): void
  on(event: 'error', listener: (error: Error) => void): void
  end(): void
}
interface NativeBus {
  connection: NativeConnection
  signals: {on(key: string, listener: (body: unknown[]) => void): void; off(key: string, listener: (body: unknown[]) => void): void}
  invoke(message: MethodCall, callback: (error: ReplyError | null | undefined, ...body: unknown[]) => void): void
  mangle(path: string, iface: string, member: string): string
}
interface NativeModule {
  createClient(options: {stream: Socket}): NativeBus
}

async function loadNative(): Promise<NativeModule> {
  const loaded = (await import('@homebridge/dbus-native')) as unknown as {default?: NativeModule} & NativeModule
  return loaded.default ?? loaded
}

/**
 * A connection to one bus. The socket keeps the process alive only while a call is
 * pending, so a command that is done can exit without closing the keyring.
 */
export class DBusClient {
  readonly #bus: NativeBus
  readonly #socket: Socket
  readonly #pending = new Set<(error: Error) => void>()
  #broken: DBusError | undefined

  private constructor(bus: NativeBus, socket: Socket) {
    this.#bus = bus
    this.#socket = socket
    const fail = (error: DBusError) => {
      this.#broken ??= error
      for (const reject of [...this.#pending]) reject(error)
    }
    bus.connection.on('error', (error) =>
      fail(new DBusError(CONNECTION_LOST, `D-Bus connection failed: ${describe(error)}`, {cause: error})),
    )
    bus.connection.on('end', () => fail(new DBusError(CONNECTION_LOST, 'the D-Bus connection was closed')))
  }

  /** Connects and authenticates to the bus at `address`; rejects with a DBusError. */
  static async connect(address: string, timeoutMs: number, env: Readonly<Record<string, string | undefined>> = {}): Promise<DBusClient> {
    const path = socketOf(address, env)
    if (path === undefined) throw new DBusError(CONNECTION_LOST, `unsupported D-Bus address ${JSON.stringify(address)}`)
    const native = await loadNative()
    const socket = createConnection(path)
    const bus = native.createClient({stream: socket})
    const client = new DBusClient(bus, socket)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new DBusError(CALL_TIMEOUT, `the D-Bus session bus did not answer within ${timeoutMs} ms`))
      }, timeoutMs)
      bus.connection.on('connect', () => {
        clearTimeout(timer)
        resolve()
      })
      bus.connection.on('error', (error) => {
        clearTimeout(timer)
        socket.destroy()
        reject(
          new DBusError(CONNECTION_LOST, `cannot connect to the D-Bus session bus at ${JSON.stringify(address)}: ${describe(error)}`, {
            cause: error,
          }),
        )
      })
    })
    socket.unref()
    return client
  }

  /** The reply's body; rejects with a DBusError for an error reply, a broken connection or `timeoutMs`. */
  call(message: MethodCall, timeoutMs?: number): Promise<unknown[]> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken)
    return new Promise<unknown[]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const settle = () => {
        if (timer !== undefined) clearTimeout(timer)
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
      this.#bus.invoke({...message}, (error, ...body) => {
        if (!this.#pending.has(rejectCall)) return
        settle()
        if (error) reject(new DBusError(error.name ?? 'org.freedesktop.DBus.Error.Failed', error.message || (error.name ?? 'D-Bus error')))
        else resolve(body)
      })
    })
  }

  /**
   * Waits for one signal from `path`; `subscribe` is called once the match is in place, so
   * a signal caused by it cannot be missed.
   */
  async nextSignal(path: string, iface: string, member: string, subscribe: () => Promise<void>): Promise<unknown[]> {
    const rule = `type='signal',path='${path}',interface='${iface}',member='${member}'`
    const busCall = (name: string) => ({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: name,
      signature: 's',
      body: [rule],
    })
    await this.call(busCall('AddMatch'))
    const key = this.#bus.mangle(path, iface, member)
    try {
      return await new Promise<unknown[]>((resolve, reject) => {
        const listener = (body: unknown[]) => {
          this.#pending.delete(fail)
          if (this.#pending.size === 0) this.#socket.unref()
          this.#bus.signals.off(key, listener)
          resolve(body)
        }
        const fail = (error: Error) => {
          this.#pending.delete(fail)
          this.#bus.signals.off(key, listener)
          reject(error)
        }
        this.#pending.add(fail)
        this.#socket.ref()
        this.#bus.signals.on(key, listener)
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
}

function describe(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message
}

/** A variant as @homebridge/dbus-native returns it: `[signature, [value]]`. */
export function variantValue(variant: unknown): unknown {
  if (Array.isArray(variant) && variant.length === 2 && Array.isArray(variant[1])) return variant[1][0]
  return undefined
}
