import {createServer, type Server} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'

import {keyringError} from './errors.ts'

/**
 * Serialises the creation of the named keyring between processes (and within one): creating
 * a keyring whose name is already linked displaces the existing one with all its items, so a
 * second creator must find the first one's keyring instead. The lock is an abstract unix
 * socket, which the kernel frees when its holder dies.
 */
export async function withRingLock<T>(name: string, work: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const address = `\0vault-keyctl-ring-${process.getuid?.() ?? 0}-${name}`
  const deadline = Date.now() + timeoutMs
  let server: Server | undefined
  while (server === undefined) {
    server = await listen(address)
    if (server !== undefined) break
    if (Date.now() > deadline)
      throw keyringError('BACKEND_UNAVAILABLE', `another process kept the keyctl keyring "${name}" locked for ${timeoutMs} ms`)
    await sleep(10)
  }
  try {
    return await work()
  } finally {
    server.close()
  }
}

function listen(address: string): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error)))
    server.listen(address, () => {
      server.unref()
      resolve(server)
    })
  })
}
