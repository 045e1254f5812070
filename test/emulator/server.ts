// One HTTP server for every emulated endpoint, routed by path and by the service named in the SigV4 scope.
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {setTimeout as delay} from 'node:timers/promises'
import {authenticate, signedService} from './authenticate.ts'
import {principalOf, redact, type Call, type CallLog, type ServiceName} from './call-log.ts'
import type {Clock} from './clock.ts'
import {AwsError} from './errors.ts'
import type {Faults} from './faults.ts'
import {FederationRefusal, type Federation} from './federation.ts'
import {iamActions} from './iam.ts'
import type {Identities} from './identities.ts'
import {newRequestId} from './ids.ts'
import {jsonError, jsonOk, type JsonReply, type JsonService} from './json-protocol.ts'
import {errorXml, parseForm, successXml, type QueryService, type XmlNode} from './query-protocol.ts'
import type {SignedRequest} from './sigv4.ts'
import type {IdentityCenter} from './sso.ts'
import {signedStsActions, unsignedStsActions} from './sts.ts'
import type {WebIdentityKeys} from './web-identity.ts'

export interface Backends {
  clock: Clock
  identities: Identities
  identityCenter: IdentityCenter
  federation: Federation
  webIdentity: WebIdentityKeys
  faults: Faults
  log: CallLog
}

type Reply = JsonReply

interface Incoming {
  method: string
  url: URL
  headers: Record<string, string>
  body: Buffer
}

const JSON_ROUTES: Record<string, {service: JsonService; action: string}> = {
  'POST /client/register': {service: 'sso-oidc', action: 'RegisterClient'},
  'POST /device_authorization': {service: 'sso-oidc', action: 'StartDeviceAuthorization'},
  'POST /token': {service: 'sso-oidc', action: 'CreateToken'},
  'GET /federation/credentials': {service: 'sso', action: 'GetRoleCredentials'},
  'GET /assignment/accounts': {service: 'sso', action: 'ListAccounts'},
  'GET /assignment/roles': {service: 'sso', action: 'ListAccountRoles'},
  'POST /logout': {service: 'sso', action: 'Logout'},
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

const flatHeaders = (req: IncomingMessage): Record<string, string> =>
  Object.fromEntries(
    Object.entries(req.headers)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : String(value)]),
  )

const queryRecord = (url: URL): Record<string, string | string[]> => {
  const record: Record<string, string | string[]> = {}
  for (const [name, value] of url.searchParams) {
    const existing = record[name]
    record[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value]
  }
  return record
}

const textReply = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: {'content-type': 'text/plain; charset=utf-8', ...headers},
  body,
})

const asAwsError = (error: unknown): AwsError => {
  if (error instanceof AwsError) return error
  return new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500)
}

export class EmulatorServer {
  readonly #backends: Backends
  readonly #server: Server
  #url = ''

  constructor(backends: Backends) {
    this.#backends = backends
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, {'content-type': 'text/plain'})
        res.end(String(error))
      })
    })
  }

  get url(): string {
    return this.#url
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(0, '127.0.0.1', () => resolve())
    })
    const {port} = this.#server.address() as AddressInfo
    this.#url = `http://127.0.0.1:${port}`
    return this.#url
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()))
    this.#server.closeAllConnections()
    await closed
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const incoming: Incoming = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://emulator'),
      headers: flatHeaders(req),
      body: await readBody(req),
    }
    if (this.#backends.faults.latencyMs > 0) await delay(this.#backends.faults.latencyMs)
    const reply = await this.#route(incoming)
    res.writeHead(reply.status, {...reply.headers, 'content-length': Buffer.byteLength(reply.body)})
    res.end(reply.body)
  }

  #open(service: ServiceName, action: string, params: Record<string, unknown>, accessKeyId?: string): Call {
    return this.#backends.log.open({service, action, accessKeyId, params: redact(params), at: new Date(this.#backends.clock.now())})
  }

  async #route(incoming: Incoming): Promise<Reply> {
    const {pathname} = incoming.url
    const jsonRoute = JSON_ROUTES[`${incoming.method} ${pathname}`]
    if (jsonRoute) return this.#json(jsonRoute.service, jsonRoute.action, incoming)
    if (pathname === '/federation') return this.#federation(incoming)
    if (incoming.method === 'GET' && pathname === '/device') return this.#verificationPage(incoming)
    const form = incoming.method === 'POST' ? parseForm(incoming.body.toString('utf8')) : {}
    const params = {...Object.fromEntries(incoming.url.searchParams), ...form}
    if (params.Action !== undefined || incoming.headers.authorization) return this.#query(params, incoming)
    return textReply(404, 'Not Found')
  }

  async #query(params: Record<string, string>, incoming: Incoming): Promise<Reply> {
    const {identities, clock, webIdentity, faults} = this.#backends
    const service: QueryService = signedService(incoming.headers.authorization) === 'iam' ? 'iam' : 'sts'
    const action = params.Action ?? ''
    const {Action: _action, Version: _version, ...actionParams} = params
    const claimedKey = /Credential=([^/,\s]+)\//.exec(incoming.headers.authorization ?? '')?.[1]
    const call = this.#open(service, action, actionParams, claimedKey)
    const requestId = newRequestId()
    const respond = (status: number, body: string): Reply => ({
      status,
      headers: {'content-type': 'text/xml', 'x-amzn-requestid': requestId},
      body,
    })
    try {
      const injected = faults.take(service, action)
      if (injected) throw injected
      let result: XmlNode | undefined
      const unsigned = service === 'sts' ? unsignedStsActions[action] : undefined
      if (unsigned) {
        result = unsigned({identities, clock, webIdentity, params})
      } else {
        const request: SignedRequest = {
          method: incoming.method,
          path: incoming.url.pathname,
          query: queryRecord(incoming.url),
          headers: incoming.headers,
          body: incoming.body,
        }
        const caller = await authenticate(request, identities, clock.now(), Date.now())
        call.principal = principalOf(caller)
        if (service === 'sts') {
          const handler = signedStsActions[action]
          if (!handler) throw invalidAction(action, '2011-06-15')
          result = handler({identities, clock, webIdentity, params, caller})
        } else {
          const handler = iamActions[action]
          if (!handler) throw invalidAction(action, '2010-05-08')
          result = handler({identities, caller, params, action})
        }
      }
      const hostile = faults.takeAnswer(action)
      if (hostile && result && typeof result.Credentials === 'object') {
        result = {...result, Credentials: {...(result.Credentials as XmlNode), ...hostile}}
      }
      call.outcome = {status: 200}
      return respond(200, successXml(service, action, result, requestId))
    } catch (thrown) {
      const error = asAwsError(thrown)
      call.outcome = {status: error.status, error: error.code, message: error.message}
      return respond(error.status, errorXml(service, error, requestId))
    }
  }

  async #json(service: JsonService, action: string, incoming: Incoming): Promise<Reply> {
    const {identityCenter, faults} = this.#backends
    let body: Record<string, unknown> = {}
    const query = incoming.url.searchParams
    const bearer = incoming.headers['x-amz-sso_bearer_token']
    const call = this.#open(service, action, {...Object.fromEntries(query), ...(bearer ? {accessToken: bearer} : {})})
    try {
      if (incoming.body.length > 0) body = JSON.parse(incoming.body.toString('utf8'))
      call.params = redact({...call.params, ...body})
      const injected = faults.take(service, action)
      if (injected) throw injected
      const baseUrl = this.#url
      const handlers: Record<string, () => unknown> = {
        RegisterClient: () => identityCenter.registerClient(body),
        StartDeviceAuthorization: () => identityCenter.startDeviceAuthorization(body, baseUrl),
        CreateToken: () => identityCenter.createToken(body),
        GetRoleCredentials: () => identityCenter.getRoleCredentials(bearer, query),
        ListAccounts: () => identityCenter.listAccounts(bearer, query),
        ListAccountRoles: () => identityCenter.listAccountRoles(bearer, query),
        Logout: () => identityCenter.logout(bearer),
      }
      let result = handlers[action]!()
      const hostile = faults.takeAnswer(action)
      const roleCredentials = (result as {roleCredentials?: Record<string, unknown>} | undefined)?.roleCredentials
      if (hostile && roleCredentials) {
        // The portal's names for the same fields; its expiration is in milliseconds.
        const fields = {
          accessKeyId: hostile.AccessKeyId,
          secretAccessKey: hostile.SecretAccessKey,
          sessionToken: hostile.SessionToken,
          expiration: hostile.Expiration === undefined ? undefined : Date.parse(hostile.Expiration),
        }
        const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))
        result = {...(result as object), roleCredentials: {...roleCredentials, ...defined}}
      }
      call.outcome = {status: 200}
      return result === undefined ? {status: 200, headers: {}, body: ''} : jsonOk(result)
    } catch (thrown) {
      const error =
        thrown instanceof SyntaxError ? new AwsError('SerializationException', 'Request body is not valid JSON', 400) : asAwsError(thrown)
      call.outcome = {status: error.status, error: error.code, message: error.message}
      return jsonError(service, error)
    }
  }

  #federation(incoming: Incoming): Reply {
    const {federation, faults} = this.#backends
    const query = incoming.url.searchParams
    const action = query.get('Action') ?? ''
    const call = this.#open('federation', action, Object.fromEntries(query))
    try {
      const injected = faults.take('federation', action)
      if (injected) throw new FederationRefusal(injected.message)
      if (action === 'getSigninToken') {
        const body = JSON.stringify(federation.getSigninToken(query))
        call.outcome = {status: 200}
        return {status: 200, headers: {'content-type': 'application/json'}, body}
      }
      if (action === 'login') {
        const login = federation.login(query)
        call.outcome = {status: login.destination ? 302 : 200}
        return login.destination ? textReply(302, '', {location: login.destination}) : textReply(200, `Signed in as ${login.arn}`)
      }
      throw new FederationRefusal(`unknown Action ${action}`)
    } catch (thrown) {
      if (!(thrown instanceof FederationRefusal)) throw thrown
      call.outcome = {status: 400, error: 'FederationRefusal', message: thrown.message}
      return textReply(400, thrown.message)
    }
  }

  // The page a user opens to approve a device code: visiting it approves, as clicking "Allow" would.
  #verificationPage(incoming: Incoming): Reply {
    const userCode = incoming.url.searchParams.get('user_code') ?? undefined
    const call = this.#open('sso-oidc', 'ApproveDevice', {user_code: userCode})
    try {
      this.#backends.identityCenter.approve(userCode)
      call.outcome = {status: 200}
      return {status: 200, headers: {'content-type': 'text/html'}, body: '<html><body>Request approved</body></html>'}
    } catch (error) {
      call.outcome = {status: 404, error: 'NotFound', message: (error as Error).message}
      return textReply(404, (error as Error).message)
    }
  }
}

const invalidAction = (action: string, version: string): AwsError =>
  new AwsError('InvalidAction', `Could not find operation ${action} for version ${version}`, 400)
