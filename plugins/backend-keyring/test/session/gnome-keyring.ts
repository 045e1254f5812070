import {DBusClient} from '../../src/dbus/client.ts'

// gnome-keyring's own interface for creating and unlocking a collection with a password
// given over the bus: how a test gets collections without a graphical prompter.
const INTERNAL = 'org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface'
const DEST = 'org.freedesktop.secrets'
const ROOT = '/org/freedesktop/secrets'

export const COLLECTION_PASSWORD = 'collection password'

async function withSession<T>(work: (client: DBusClient, session: string) => Promise<T>): Promise<T> {
  const address = process.env.DBUS_SESSION_BUS_ADDRESS
  if (address === undefined) throw new Error('these tests run inside dbus-run-session')
  const client = await DBusClient.connect(address, 5000)
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

/** Creates an unlocked collection labelled `name` (gnome-keyring derives its path from the label). */
export function createCollection(name: string, password = COLLECTION_PASSWORD): Promise<string> {
  return withSession(async (client, session) => {
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

export function lockCollection(path: string): Promise<void> {
  return withSession(async (client) => {
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

export function unlockCollection(path: string, password = COLLECTION_PASSWORD): Promise<void> {
  return withSession(async (client, session) => {
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

export function sessionEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, ...extra}
}
