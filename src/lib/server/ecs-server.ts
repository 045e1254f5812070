import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'

import type {Credentials} from '../plugin-api/index.ts'
import type {Logger} from '../log.ts'
import {newAuthToken, tokenCheck} from './auth-token.ts'
import {ecsCredentialsBody} from './credential-bodies.ts'
import {hostName, isLoopbackAddress, isLoopbackHostName, logRequests, pathOf, rawHeader, sendJsonError} from './http.ts'
import {closeServer, listen, type RunningServer} from './listen.ts'
import type {RefreshingCredentials} from './refreshing-credentials.ts'
import {errorMessage, isRoleArn} from './roles.ts'

export interface EcsServerOptions {
  /** The profile's credentials, served on `/`. */
  credentials: RefreshingCredentials
  /** Credentials of a role assumed from the profile's, served on `/role-arn/<arn>`. */
  roleCredentials?: (roleArn: string) => RefreshingCredentials
  /** Defaults to a fresh random token. */
  authToken?: string
  /** Defaults to 0: any free port. */
  port?: number
  /** Debug lines: failed fetches. */
  log?: Logger
  /** One debug line per request; leave unset when debug output is off, the hot path then does nothing more. */
  requestLog?: Logger
  now?: () => number
}

export interface EcsServer extends RunningServer {
  /** What the child gets as AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  readonly url: string
  /** What the child gets as AWS_CONTAINER_AUTHORIZATION_TOKEN. */
  readonly authToken: string
}

const ROLE_PREFIX = '/role-arn/'
const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * The ECS container credentials endpoint on 127.0.0.1, as AWS SDKs and the AWS CLI read it
 * through AWS_CONTAINER_CREDENTIALS_FULL_URI. Every request must carry the run's token and
 * name a loopback host (a web page that rebinds its own name to 127.0.0.1 cannot).
 */
export async function startEcsServer(options: EcsServerOptions): Promise<EcsServer> {
  const authToken = options.authToken ?? newAuthToken()
  const authorized = tokenCheck(authToken)
  const now = options.now ?? Date.now
  // The document and its headers, made once per set of credentials; a string body, not a
  // Buffer, so that Node sends headers and body in one write.
  const answers = new WeakMap<Credentials, {body: string; headers: Record<string, number | string>}>()

  const send = (response: ServerResponse, credentials: Credentials) => {
    let answer = answers.get(credentials)
    if (!answer) {
      const body = ecsCredentialsBody(credentials, now())
      answer = {body, headers: {'Content-Length': Buffer.byteLength(body), 'Content-Type': JSON_TYPE}}
      // Credentials that never expire get a moving expiry: their document is made each time.
      if (credentials.expiration) answers.set(credentials, answer)
    }
    response.writeHead(200, answer.headers)
    response.end(answer.body)
  }

  const serve = (response: ServerResponse, source: RefreshingCredentials) => {
    const held = source.fresh()
    if (held) {
      send(response, held)
      return
    }
    source.get().then(
      (credentials) => send(response, credentials),
      (error: unknown) => {
        options.log?.(`ecs server: cannot get the credentials of ${source.label}: ${errorMessage(error)}`)
        sendJsonError(response, 500, errorMessage(error))
      },
    )
  }

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    logRequests(options.requestLog, 'ecs server', request, response)
    const host = rawHeader(request, 'host')
    if (!isLoopbackHostName(hostName(host))) {
      sendJsonError(response, 403, `refused: the Host header ${JSON.stringify(host ?? '')} does not name the loopback address`)
      return
    }
    if (!authorized(rawHeader(request, 'authorization'))) {
      sendJsonError(response, 403, 'invalid Authorization token')
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD')
      sendJsonError(response, 405, `method ${request.method ?? ''} not allowed`)
      return
    }
    const path = pathOf(request)
    if (path === '/') {
      serve(response, options.credentials)
      return
    }
    if (path.startsWith(ROLE_PREFIX) && options.roleCredentials) {
      let roleArn: string
      try {
        roleArn = decodeURIComponent(path.slice(ROLE_PREFIX.length))
      } catch {
        roleArn = ''
      }
      if (!isRoleArn(roleArn)) {
        sendJsonError(response, 400, `not a role ARN: ${JSON.stringify(roleArn)}`)
        return
      }
      serve(response, options.roleCredentials(roleArn))
      return
    }
    sendJsonError(response, 404, `no credentials at ${path}`)
  }

  const server = createServer({keepAliveTimeout: 30_000}, handle)
  // Checked once per connection: keep-alive requests on it come from the same place.
  server.on('connection', (socket: Socket) => {
    if (!isLoopbackAddress(socket.remoteAddress)) socket.destroy()
  })
  const address = await listen(server, {host: '127.0.0.1', port: options.port ?? 0}, 'ECS credential server')
  return {
    address,
    authToken,
    close: () => closeServer(server),
    url: `http://${address.host}:${address.port}`,
  }
}
