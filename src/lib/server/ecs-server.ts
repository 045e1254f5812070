import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'

import type {Credentials} from '../plugin-api/index.ts'
import type {Logger} from '../log.ts'
import {newAuthToken, tokenCheck} from './auth-token.ts'
import {ecsCredentialsBody} from './credential-bodies.ts'
import {hostName, isLoopbackAddress, isLoopbackHostName, logRequests, pathOf, sendBody, sendJsonError} from './http.ts'
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
  /** One debug line per request. */
  log?: Logger
  now?: () => number
}

export interface EcsServer extends RunningServer {
  /** What the child gets as AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  readonly url: string
  /** What the child gets as AWS_CONTAINER_AUTHORIZATION_TOKEN. */
  readonly authToken: string
}

const rolePrefix = '/role-arn/'
const jsonType = 'application/json; charset=utf-8'

/**
 * The ECS container credentials endpoint on 127.0.0.1, as AWS SDKs and the AWS CLI read it
 * through AWS_CONTAINER_CREDENTIALS_FULL_URI. Every request must carry the run's token and
 * name a loopback host (a web page that rebinds its own name to 127.0.0.1 cannot).
 */
export async function startEcsServer(options: EcsServerOptions): Promise<EcsServer> {
  const authToken = options.authToken ?? newAuthToken()
  const authorized = tokenCheck(authToken)
  const now = options.now ?? Date.now
  const bodies = new WeakMap<Credentials, Buffer>()

  const bodyOf = (credentials: Credentials): string | Buffer => {
    // Expiring credentials make the same document every time: build it once per refresh.
    if (!credentials.expiration) return ecsCredentialsBody(credentials, now())
    let body = bodies.get(credentials)
    if (!body) {
      body = Buffer.from(ecsCredentialsBody(credentials, now()))
      bodies.set(credentials, body)
    }
    return body
  }

  const serve = (response: ServerResponse, source: RefreshingCredentials) => {
    const held = source.fresh()
    if (held) {
      sendBody(response, 200, jsonType, bodyOf(held))
      return
    }
    source.get().then(
      (credentials) => sendBody(response, 200, jsonType, bodyOf(credentials)),
      (error: unknown) => {
        options.log?.(`ecs server: cannot get the credentials of ${source.label}: ${errorMessage(error)}`)
        sendJsonError(response, 500, errorMessage(error))
      },
    )
  }

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    logRequests(options.log, 'ecs server', request, response)
    if (!isLoopbackAddress(request.socket.remoteAddress)) {
      sendJsonError(response, 403, 'refused: the request does not come from this machine')
      return
    }
    const host = hostName(request.headers.host)
    if (!isLoopbackHostName(host)) {
      sendJsonError(response, 403, `refused: the Host header ${JSON.stringify(request.headers.host ?? '')} does not name the loopback address`)
      return
    }
    if (!authorized(request.headers.authorization)) {
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
    if (path.startsWith(rolePrefix) && options.roleCredentials) {
      let roleArn: string
      try {
        roleArn = decodeURIComponent(path.slice(rolePrefix.length))
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
  const address = await listen(server, {host: '127.0.0.1', port: options.port ?? 0}, 'ECS credential server')
  return {
    address,
    authToken,
    close: () => closeServer(server),
    url: `http://${address.host}:${address.port}`,
  }
}
