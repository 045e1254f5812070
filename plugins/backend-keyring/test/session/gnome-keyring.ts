import {DBusClient} from '../../src/dbus/client.ts'

// gnome-keyring's own interface for creating and unlocking a collection with a password
// given over the bus: how a test gets collections without a graphical prompter.
const INTERNAL = 'org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface'
const DEST = 'org.freedesktop.secrets'
const ROOT = '/org/freedesktop/secrets'

export const COLLECTION_PASSWORD = 'collection password'

/** gnome-keyring's collections driven over one session bus, without any prompt. */
export class GnomeKeyringControl {
  readonly #address: string

  constructor(address: string) {
    this.#address = address
  }

  /** Creates an unlocked collection labelled `name` (gnome-keyring derives its path from the label). */
  createCollection(name: string, password = COLLECTION_PASSWORD): Promise<string> {
    return this.#withSession(async (client, session) => {
      const [path] = await client.call({
        destination: DEST,
        path: ROOT,
        interface: INTERNAL,
        member: 'CreateWithMasterPassword',
        signature: 'a{sv}(oayays)',
        body: [[['org.freedesktop.Secret.Collection.Label', ['s', name]]], [session, Buffer.alloc(0), Buffer.from(password), 'text/plain']],
      })
      return path as string
    })
  }

  lock(path: string): Promise<void> {
    return this.#withSession(async (client) => {
      await client.call({
        destination: DEST,
        path: ROOT,
        interface: 'org.freedesktop.Secret.Service',
        member: 'Lock',
        signature: 'ao',
        body: [[path]],
      })
    })
  }

  unlock(path: string, password = COLLECTION_PASSWORD): Promise<void> {
    return this.#withSession(async (client, session) => {
      await client.call({
        destination: DEST,
        path: ROOT,
        interface: INTERNAL,
        member: 'UnlockWithMasterPassword',
        signature: 'o(oayays)',
        body: [path, [session, Buffer.alloc(0), Buffer.from(password), 'text/plain']],
      })
    })
  }

  async #withSession<T>(work: (client: DBusClient, session: string) => Promise<T>): Promise<T> {
    const client = await DBusClient.connect(this.#address, 5000)
    try {
      const [, session] = await client.call({
        destination: DEST,
        path: ROOT,
        interface: 'org.freedesktop.Secret.Service',
        member: 'OpenSession',
        signature: 'sv',
        body: ['plain', ['s', '']],
      })
      return await work(client, session as string)
    } finally {
      client.close()
    }
  }
}

/** The control of the session bus these tests run in (inside dbus-run-session). */
function control(): GnomeKeyringControl {
  const address = process.env.DBUS_SESSION_BUS_ADDRESS
  if (address === undefined) throw new Error('these tests run inside dbus-run-session')
  return new GnomeKeyringControl(address)
}

export const createCollection = (name: string, password?: string): Promise<string> => control().createCollection(name, password)
export const lockCollection = (path: string): Promise<void> => control().lock(path)
export const unlockCollection = (path: string, password?: string): Promise<void> => control().unlock(path, password)

export function sessionEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, ...extra}
}
