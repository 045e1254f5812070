import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'

import type {Logger} from '../log.ts'
import {imdsCredentialsBody} from './credential-bodies.ts'
import {hostName, isLoopbackAddress, isLoopbackHostName, logRequests, pathOf, sendBody, sendText} from './http.ts'
import {ImdsTokens, requestedTtl} from './imds-tokens.ts'
import {closeServer, formatHostPort, listen, type ListenAddress, type RunningServer} from './listen.ts'
import type {RefreshingCredentials} from './refreshing-credentials.ts'
import {errorMessage} from './roles.ts'

/** Where EC2 instances find their metadata; `vault proxy` listens there. */
export const METADATA_IP = '169.254.169.254'
export const defaultEc2ServerAddress: ListenAddress = {host: '127.0.0.1', port: 9099}

/** The one role name the server offers, as aws-vault names it. */
export const ROLE_NAME = 'local-credentials'
const INSTANCE_ID = 'vault'

export interface Ec2ServerOptions {
  credentials: RefreshingCredentials
  region?: string
  /** Defaults to 127.0.0.1:9099. */
  address?: ListenAddress
  log?: Logger
  /** One debug line per request. */
  requestLog?: Logger
  now?: () => number
}

export interface Ec2Server extends RunningServer {
  /** What the child gets as AWS_EC2_METADATA_SERVICE_ENDPOINT (the SDKs need the trailing slash). */
  readonly endpoint: string
}

const JSON_TYPE = 'application/json'
const TOKEN_HEADER = 'x-aws-ec2-metadata-token'
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds'

/**
 * An EC2 instance metadata service with one role: aws-vault's paths and documents, and
 * IMDSv2 session tokens. Only this machine may ask (remote address), and only by a loopback
 * name or the metadata address (Host), which defeats DNS rebinding.
 */
export async function startEc2Server(options: Ec2ServerOptions): Promise<Ec2Server> {
  const now = options.now ?? Date.now
  const tokens = new ImdsTokens(now)
  const region = options.region || undefined

  const startedAt = now()
  const identityDocument = () =>
    JSON.stringify({
      ...(region ? {availabilityZone: `${region}a`, region} : {}),
      instanceId: INSTANCE_ID,
      pendingTime: new Date(startedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      version: '2017-09-30',
    })

  /** Metadata documents by path, without the trailing slash. */
  const documents: Record<string, () => [string, string] | undefined> = {
    '/latest/meta-data': () => ['text/plain', 'iam/\ninstance-id\nplacement/'],
    '/latest/meta-data/iam': () => ['text/plain', 'info\nsecurity-credentials/'],
    '/latest/meta-data/iam/info': () => [
      JSON_TYPE,
      JSON.stringify({Code: 'Success', LastUpdated: new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z')}),
    ],
    '/latest/meta-data/iam/security-credentials': () => ['text/plain', ROLE_NAME],
    '/latest/meta-data/instance-id': () => ['text/plain', INSTANCE_ID],
    '/latest/meta-data/placement': () => (region ? ['text/plain', 'availability-zone\nregion'] : undefined),
    '/latest/meta-data/placement/availability-zone': () => (region ? ['text/plain', `${region}a`] : undefined),
    '/latest/meta-data/placement/region': () => (region ? ['text/plain', region] : undefined),
    '/latest/dynamic/instance-identity/document': () => [JSON_TYPE, identityDocument()],
    // Where aws-vault serves it: kept for clients written against aws-vault.
    '/latest/meta-data/dynamic/instance-identity/document': () => [JSON_TYPE, identityDocument()],
  }

  const serveCredentials = (response: ServerResponse) => {
    options.credentials.get().then(
      (credentials) => sendBody(response, 200, JSON_TYPE, imdsCredentialsBody(credentials, now())),
      (error: unknown) => {
        options.log?.(`ec2 server: cannot get the credentials: ${errorMessage(error)}`)
        sendText(response, 500, errorMessage(error))
      },
    )
  }

  const issueToken = (request: IncomingMessage, response: ServerResponse) => {
    // As on EC2: a request that went through a proxy does not get a token.
    if (request.headers['x-forwarded-for'] !== undefined) {
      sendText(response, 403, 'Forbidden')
      return
    }
    const ttl = requestedTtl(request.headers[TTL_HEADER])
    if (ttl === undefined) {
      sendText(response, 400, `Bad Request: ${TTL_HEADER} must be 1 to 21600`)
      return
    }
    sendText(response, 200, tokens.issue(ttl), {[TTL_HEADER]: String(ttl)})
  }

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    logRequests(options.requestLog, 'ec2 server', request, response)
    if (!isLoopbackAddress(request.socket.remoteAddress)) {
      sendText(response, 401, 'Access denied from non-localhost address')
      return
    }
    const host = hostName(request.headers.host)
    if (!isLoopbackHostName(host) && host !== METADATA_IP) {
      sendText(response, 401, `Access denied for host ${JSON.stringify(request.headers.host ?? '')}`)
      return
    }
    const path = trimSlash(pathOf(request))
    if (request.method === 'PUT') {
      if (path === '/latest/api/token') issueToken(request, response)
      else sendText(response, 405, 'Method Not Allowed', {Allow: 'GET, HEAD'})
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'Method Not Allowed', {Allow: 'GET, HEAD, PUT'})
      return
    }
    // IMDSv1 (no token) is answered; a token given must be valid (see ImdsTokens).
    const token = request.headers[TOKEN_HEADER]
    if (token !== undefined && (typeof token !== 'string' || !tokens.isValid(token))) {
      sendText(response, 401, 'Unauthorized')
      return
    }
    if (path === `/latest/meta-data/iam/security-credentials/${ROLE_NAME}`) {
      serveCredentials(response)
      return
    }
    const document = documents[path]?.()
    if (!document) {
      sendText(response, 404, 'Not Found')
      return
    }
    sendBody(response, 200, document[0], document[1])
  }

  const server = createServer({keepAliveTimeout: 30_000}, handle)
  const address = await listen(server, options.address ?? defaultEc2ServerAddress, 'EC2 metadata server')
  return {
    address,
    close: () => closeServer(server),
    endpoint: `http://${formatHostPort(address)}/`,
  }
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}
