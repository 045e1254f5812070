import type {Server} from 'node:http'
import {isIP} from 'node:net'

import {VaultError} from '../errors.ts'

export interface ListenAddress {
  host: string
  port: number
}

/** A server this process started: where it answers and how to stop it. */
export interface RunningServer {
  readonly address: ListenAddress
  close(): Promise<void>
}

/** `host:port` or `[v6]:port`; the host must be an IP address, the port 0 (any free one) to 65535. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim())
  const host = match?.[1] ?? match?.[2]
  const port = Number(match?.[3])
  if (!match || !host || !isIP(host) || port > 65535) {
    throw new VaultError('USAGE', `"${text}" is not an address to listen on`, {
      suggestions: ['give an IP address and a port, e.g. 127.0.0.1:9099'],
    })
  }
  return {host, port}
}

export function formatHostPort(address: ListenAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
}

/** Listens and resolves with the address actually bound (the port the system chose for port 0). */
export function listen(server: Server, address: ListenAddress, what: string): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = formatHostPort(address)
      const reason =
        error.code === 'EADDRINUSE'
          ? 'the address is in use'
          : error.code === 'EACCES'
            ? 'permission denied'
            : error.code === 'EADDRNOTAVAIL'
              ? 'no interface has this address'
              : error.message
      reject(new VaultError('SERVER_FAILED', `cannot start the ${what} on ${where}: ${reason}`, {cause: error}))
    }
    server.once('error', onError)
    server.listen({exclusive: true, host: address.host, port: address.port}, () => {
      server.off('error', onError)
      const bound = server.address()
      resolve(typeof bound === 'object' && bound ? {host: bound.address, port: bound.port} : address)
    })
  })
}

/** How long requests in flight (an STS call, an MFA dialog) may hold up a shutdown. */
const CLOSE_GRACE_MS = 1000

/** Stops accepting, drops idle keep-alive connections, and cuts requests still running after a grace period. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS)
    cut.unref()
    server.close(() => {
      clearTimeout(cut)
      resolve()
    })
    server.closeIdleConnections()
  })
}
