import type {IncomingMessage, ServerResponse} from 'node:http'
import {isIP} from 'node:net'

import type {Logger} from '../log.ts'

/** The host name of a Host header, lower-cased, without port or IPv6 brackets. */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined
  const host = header.trim().toLowerCase()
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    return end === -1 ? undefined : host.slice(1, end)
  }
  const colon = host.indexOf(':')
  return colon === -1 ? host : host.slice(0, colon)
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback, as the socket reports remote addresses. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  const ip = address.startsWith('::ffff:') ? address.slice(7) : address
  if (isIP(ip) === 4) return ip.startsWith('127.')
  return ip === '::1'
}

/** Names by which a client on this machine reaches a server bound to a loopback address. */
export function isLoopbackHostName(name: string | undefined): boolean {
  return name === '127.0.0.1' || name === 'localhost' || isLoopbackAddress(name)
}

/**
 * One header's value straight from the raw list (the first one sent), without making Node
 * build the whole `headers` object: the credential servers' hot path reads only two headers.
 */
export function rawHeader(request: IncomingMessage, lowerCaseName: string): string | undefined {
  const raw = request.rawHeaders
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index]!
    if (name.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName) return raw[index + 1]
  }
  return undefined
}

export function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/'
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

export function sendBody(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {'Content-Length': Buffer.byteLength(body), 'Content-Type': contentType, ...headers})
  response.end(body)
}

/** Errors in the shape ECS credential clients print: `{"Message": …}`. */
export function sendJsonError(response: ServerResponse, status: number, message: string): void {
  sendBody(response, status, 'application/json; charset=utf-8', JSON.stringify({Message: message}))
}

export function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  sendBody(response, status, 'text/plain; charset=utf-8', text, headers)
}

/** One debug line per request: method, path, status and time; never headers, where tokens travel. */
export function logRequests(log: Logger | undefined, name: string, request: IncomingMessage, response: ServerResponse): void {
  if (!log) return
  const started = process.hrtime.bigint()
  response.once('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    log(
      `${name}: ${request.socket.remoteAddress ?? '?'} ${request.method ?? '?'} ${pathOf(request)} ${response.statusCode} (${ms.toFixed(1)} ms)`,
    )
  })
}
