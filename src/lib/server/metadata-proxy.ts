import {createServer, request as httpRequest, type IncomingMessage, type ServerResponse} from 'node:http'

import type {Logger} from '../log.ts'
import {METADATA_IP} from './ec2-server.ts'
import {hostName, isLoopbackAddress, isLoopbackHostName, logRequests, pathOf, sendText} from './http.ts'
import {closeServer, formatHostPort, listen, type ListenAddress, type RunningServer} from './listen.ts'

export const metadataAddress: ListenAddress = {host: METADATA_IP, port: 80}

export interface MetadataProxyOptions {
  /** The EC2 metadata server of `vault exec --ec2-server`. */
  target: ListenAddress
  /** Defaults to 169.254.169.254:80. */
  listen?: ListenAddress
  /** Called when a local client asks the proxy to stop (`vault proxy --stop`). */
  onStop: () => void
  log?: Logger
}

/**
 * Forwards the well-known metadata address to the EC2 metadata server, for programs that
 * ignore AWS_EC2_METADATA_SERVICE_ENDPOINT. The Host header goes through unchanged, so the
 * server applies its own checks; the proxy refuses anything not from this machine first.
 */
export async function startMetadataProxy(options: MetadataProxyOptions): Promise<RunningServer> {
  const listenOn = options.listen ?? metadataAddress

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    logRequests(options.log, 'metadata proxy', request, response)
    // Local clients reach the alias from the alias address itself or from a loopback one.
    const remote = request.socket.remoteAddress?.replace(/^::ffff:/, '')
    if (!isLoopbackAddress(remote) && remote !== listenOn.host) {
      sendText(response, 401, 'Access denied from non-localhost address')
      return
    }
    const host = hostName(request.headers.host)
    if (host !== listenOn.host && host !== METADATA_IP && !isLoopbackHostName(host)) {
      sendText(response, 401, `Access denied for host ${JSON.stringify(request.headers.host ?? '')}`)
      return
    }
    if (pathOf(request) === '/stop') {
      sendText(response, 200, 'stopping\n')
      options.onStop()
      return
    }
    const upstream = httpRequest(
      {headers: request.headers, host: options.target.host, method: request.method, path: request.url, port: options.target.port},
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      },
    )
    upstream.on('error', () => {
      if (response.headersSent) {
        response.destroy()
        return
      }
      sendText(response, 502, `no EC2 metadata server answers on ${formatHostPort(options.target)}: start one with vault exec --ec2-server`)
    })
    request.pipe(upstream)
  }

  const server = createServer(handle)
  const address = await listen(server, listenOn, 'metadata proxy')
  return {address, close: () => closeServer(server)}
}

/** Asks a running proxy to stop; false when none answers. */
export function stopMetadataProxy(address: ListenAddress = metadataAddress): Promise<boolean> {
  return new Promise((resolve) => {
    const stop = httpRequest({host: address.host, method: 'GET', path: '/stop', port: address.port, timeout: 2000}, (answer) => {
      answer.resume()
      resolve(answer.statusCode === 200)
    })
    stop.on('timeout', () => stop.destroy())
    stop.on('error', () => resolve(false))
    stop.end()
  })
}
