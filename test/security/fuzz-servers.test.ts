// Bad input for the credential servers of `vault exec --ecs-server / --ec2-server`: random
// methods, paths, headers and bodies, raw bytes, oversized requests and slow clients. Only HTTP
// 4xx (or the credentials, to a request that may have them), never a 5xx, a crash or a hang,
// and no client blocks the others.
import {expect} from 'chai'

import {randomBytes} from 'node:crypto'

import fc from 'fast-check'

import {startEc2Server} from '../../src/lib/server/ec2-server.ts'
import {startEcsServer} from '../../src/lib/server/ecs-server.ts'
import {RefreshingCredentials} from '../../src/lib/server/refreshing-credentials.ts'
import {rawRequest, slowClient, type RawResponse} from './support/raw-http.ts'
import {newSecretKey, registerSecret, secretsIn} from './support/transcript.ts'

const RUNS = Number(process.env.VAULT_FUZZ_RUNS ?? 5000)
const SEED = Number(process.env.VAULT_FUZZ_SEED ?? Date.now() % 2 ** 31)
// Not a registered secret: the servers may echo what a client sent, token guesses included.
const TOKEN = randomBytes(30).toString('base64url')
const ROLE_ARN = 'arn:aws:iam::123456789012:role/fuzzed'

interface Served {
  host: string
  port: number
  close(): Promise<void>
  debug: string[]
}

function fakeCredentials(label: string): RefreshingCredentials {
  const secret = newSecretKey()
  const token = registerSecret('session token', `IQo${newSecretKey()}`)
  return new RefreshingCredentials(
    async () => ({
      accessKeyId: 'ASIAFUZZFUZZFUZZFUZZ',
      expiration: new Date(Date.now() + 3600_000),
      secretAccessKey: secret,
      sessionToken: token,
    }),
    {label, minTtlSeconds: 300},
  )
}

async function ecs(): Promise<Served> {
  const debug: string[] = []
  const server = await startEcsServer({
    authToken: TOKEN,
    credentials: fakeCredentials('profile'),
    log: (line) => debug.push(line),
    roleCredentials: (arn) => fakeCredentials(arn),
  })
  return {close: () => server.close(), debug, host: server.address.host, port: server.address.port}
}

async function ec2(): Promise<Served> {
  const debug: string[] = []
  const server = await startEc2Server({
    address: {host: '127.0.0.1', port: 0},
    credentials: fakeCredentials('profile'),
    log: (line) => debug.push(line),
    region: 'eu-west-1',
  })
  return {close: () => server.close(), debug, host: server.address.host, port: server.address.port}
}

// Mostly well-formed, so most requests reach vault's handlers rather than Node's parser.
const printable = (maxLength: number) => fc.stringMatching(new RegExp(`^[\\x21-\\x7e ]{0,${maxLength}}$`))
const token = fc.oneof(
  {weight: 4, arbitrary: fc.constantFrom(TOKEN, `${TOKEN}x`, TOKEN.slice(1), `Bearer ${TOKEN}`, TOKEN.toUpperCase(), '')},
  {weight: 2, arbitrary: printable(80)},
  {weight: 1, arbitrary: fc.string({maxLength: 80})},
)
const hostHeader = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '127.0.0.1',
      'localhost',
      '127.0.0.1:9099',
      '[::1]',
      'LOCALHOST',
      '169.254.169.254',
      '127.1.2.3',
      'localhost:80',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'evil.example',
      '127.0.0.1.evil.example',
      'localhost.evil.example',
      '0.0.0.0',
      '10.0.0.1',
      '[::ffff:127.0.0.1]',
      '[::1',
      '',
      ' ',
      '169.254.169.254.nip.io',
    ),
  },
  {weight: 1, arbitrary: printable(40)},
)
const method = fc.oneof(
  {weight: 12, arbitrary: fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND')},
  {weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z]{1,12}$/)},
)
const pathPiece = fc.oneof(
  fc.constantFrom(
    '/',
    '/role-arn/',
    `/role-arn/${ROLE_ARN}`,
    `/role-arn/${encodeURIComponent(ROLE_ARN)}`,
    '/role-arn/%ZZ',
    '/role-arn/%00',
    '/role-arn/arn:aws:iam::123456789012:role/',
    '/latest/api/token',
    '/latest/meta-data/',
    '/latest/meta-data/iam/security-credentials/',
    '/latest/meta-data/iam/security-credentials/local-credentials',
    '/latest/meta-data/iam/security-credentials/local-credentials/',
    '/latest/meta-data/placement/region',
    '/latest/dynamic/instance-identity/document',
    '/latest/meta-data/dynamic/instance-identity/document',
    '/../../etc/passwd',
    '//',
    '*',
    'http://evil.example/',
    '/?',
    '/%2e%2e/',
  ),
  fc.webPath().map((webPath) => `/${webPath.replace(/^\/+/, '')}`),
  fc.string({maxLength: 60}).map((text) => `/${encodeURIComponent(text)}`),
)
const path = fc
  .tuple(pathPiece, fc.option(printable(20), {nil: undefined}))
  .map(([base, query]) => (query === undefined ? base : `${base}?${encodeURIComponent(query)}`))
const headerName = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      'Authorization',
      'Host',
      'X-aws-ec2-metadata-token',
      'X-aws-ec2-metadata-token-ttl-seconds',
      'X-Forwarded-For',
      'Content-Length',
      'Transfer-Encoding',
      'Expect',
      'Upgrade',
      'Content-Type',
    ),
  },
  {weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/)},
  {weight: 1, arbitrary: fc.string({maxLength: 10})},
)
const headerValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '21600',
      '21601',
      '1',
      '0',
      '-1',
      '1e3',
      ' 60 ',
      'chunked',
      'gzip, chunked',
      '100-continue',
      'websocket',
      '99999999999999999999',
      '127.0.0.1',
    ),
  },
  {weight: 3, arbitrary: token},
  {weight: 2, arbitrary: printable(60)},
  {weight: 1, arbitrary: fc.string({maxLength: 60})},
)
const request = fc.record({
  body: fc.oneof(
    {weight: 6, arbitrary: fc.constant('')},
    {weight: 1, arbitrary: printable(200)},
    {weight: 1, arbitrary: fc.uint8Array({maxLength: 512}).map((bytes) => Buffer.from(bytes).toString('latin1'))},
  ),
  extra: fc.array(fc.tuple(headerName, headerValue), {maxLength: 5}),
  host: fc.option(hostHeader, {freq: 8, nil: undefined}),
  method,
  path,
  token: fc.option(token, {freq: 2, nil: undefined}),
  tokenHeader: fc.constantFrom('Authorization', 'X-aws-ec2-metadata-token'),
  version: fc.oneof(
    {weight: 12, arbitrary: fc.constant('HTTP/1.1')},
    {weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'http/1.1', '')},
  ),
})
type FuzzedRequest = typeof request extends fc.Arbitrary<infer T> ? T : never

function bytesOf(fuzzed: FuzzedRequest): Buffer {
  const lines = [`${fuzzed.method} ${fuzzed.path} ${fuzzed.version}`.trimEnd()]
  if (fuzzed.host !== undefined) lines.push(`Host: ${fuzzed.host}`)
  if (fuzzed.token !== undefined) lines.push(`${fuzzed.tokenHeader}: ${fuzzed.token}`)
  for (const [name, value] of fuzzed.extra) lines.push(`${name}: ${value}`)
  lines.push('Connection: close')
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${fuzzed.body}`, 'latin1')
}

/** What every answer must satisfy; returns why not, or undefined. */
function problemWith(response: RawResponse, mayHaveCredentials: boolean): string | undefined {
  if (response.status === undefined) return undefined
  if (response.status >= 500) return `status ${response.status}`
  if (response.status >= 200 && response.status < 400 && response.status !== 200) return `status ${response.status}`
  if (!mayHaveCredentials && secretsIn(response.body).length > 0) return 'credentials to a request that may not have them'
  return undefined
}

async function authorisedCredentials(served: Served, kind: 'ecs' | 'ec2'): Promise<RawResponse> {
  if (kind === 'ecs')
    return rawRequest(served.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${TOKEN}\r\nConnection: close\r\n\r\n`)
  const issued = await rawRequest(
    served.port,
    'PUT /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\nConnection: close\r\n\r\n',
  )
  return rawRequest(
    served.port,
    `GET /latest/meta-data/iam/security-credentials/local-credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nX-aws-ec2-metadata-token: ${issued.body}\r\nConnection: close\r\n\r\n`,
  )
}

describe('bad input: the ECS and EC2 credential servers', function () {
  this.timeout(120_000)
  const uncaught: unknown[] = []
  const onUncaught = (error: unknown) => uncaught.push(error)

  before(function () {
    process.on('uncaughtException', onUncaught)
    process.on('unhandledRejection', onUncaught)
  })

  after(function () {
    process.off('uncaughtException', onUncaught)
    process.off('unhandledRejection', onUncaught)
  })

  it('both servers listen on loopback only; a wrong token or a foreign Host header gets no credentials', async function () {
    const [ecsServer, ec2Server] = [await ecs(), await ec2()]
    try {
      expect([ecsServer.host, ec2Server.host]).to.deep.equal(['127.0.0.1', '127.0.0.1'])
      for (const served of [ecsServer, ec2Server]) {
        const refused = await rawRequest(
          served.port,
          `GET / HTTP/1.1\r\nHost: 127.0.0.1.evil.example\r\nAuthorization: ${TOKEN}\r\nConnection: close\r\n\r\n`,
        )
        expect(refused.status).to.be.oneOf([401, 403])
      }
      const wrongToken = await rawRequest(
        ecsServer.port,
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${TOKEN.slice(0, -1)}A\r\nConnection: close\r\n\r\n`,
      )
      expect(wrongToken.status).to.equal(403)
      const foreign = await rawRequest(
        ec2Server.port,
        'GET /latest/meta-data/iam/security-credentials/local-credentials HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n',
      )
      expect(foreign.status).to.equal(401)
      expect(secretsIn(foreign.body + wrongToken.body)).to.deep.equal([])
    } finally {
      await ecsServer.close()
      await ec2Server.close()
    }
    const {serveEc2ToChild} = await import('../../src/lib/server/serve-child.ts')
    const exposed = serveEc2ToChild({
      address: {host: '0.0.0.0', port: 0},
      credentials: fakeCredentials('profile'),
      env: {},
      log: () => {},
      minTtlSeconds: 300,
      profile: {name: 'p'} as never,
    })
    const error = await exposed.then(
      () => undefined,
      (failure: Error) => failure,
    )
    expect(error?.message).to.match(/not a loopback address/)
  })

  for (const kind of ['ecs', 'ec2'] as const) {
    it(`${kind}: random methods, paths, headers, bodies and raw bytes get a 4xx (credentials only to a request that may have them), never a 5xx, a crash or a hang`, async function () {
      const served = kind === 'ecs' ? await ecs() : await ec2()
      const statuses = new Map<string, number>()
      const count = (response: RawResponse) => {
        const key = response.status === undefined ? 'closed' : String(response.status)
        statuses.set(key, (statuses.get(key) ?? 0) + 1)
      }
      try {
        const structured = await fc.check(
          fc.asyncProperty(request, async (fuzzed) => {
            const response = await rawRequest(served.port, bytesOf(fuzzed))
            count(response)
            // Only a request with the run's token (ECS) or a loopback name (EC2) may be given keys.
            const host = (fuzzed.host ?? '').trim().toLowerCase()
            const loopbackHost = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|\[::ffff:127\.\d+\.\d+\.\d+\]|169\.254\.169\.254)(:\d*)?$/.test(
              host,
            )
            const mayHave = loopbackHost && (kind === 'ec2' || fuzzed.token === TOKEN || fuzzed.extra.some(([, value]) => value === TOKEN))
            const problem = problemWith(response, mayHave)
            if (problem) throw new Error(`${problem}: ${response.headers.split('\r\n')[0]}`)
          }),
          {numRuns: RUNS, seed: SEED},
        )
        const raw = await fc.check(
          fc.asyncProperty(fc.uint8Array({maxLength: 2048}), async (bytes) => {
            // Half-closed after the bytes: the server has all it will get, and must answer or close.
            const response = await rawRequest(served.port, Buffer.from(bytes), 10_000, true)
            count(response)
            const problem = problemWith(response, false)
            if (problem) throw new Error(problem)
          }),
          {numRuns: Math.floor(RUNS / 4), seed: SEED},
        )
        const answers = [...statuses]
          .sort()
          .map(([status, times]) => `${times}×${status}`)
          .join(' ')
        this.test!.title += ` (${structured.numRuns} requests, ${raw.numRuns} raw byte strings: ${answers})`
        expect(structured.failed, `${fc.defaultReportMessage(structured) ?? ''}\n${String(structured.errorInstance)}`).to.equal(false)
        expect(raw.failed, `${fc.defaultReportMessage(raw) ?? ''}\n${String(raw.errorInstance)}`).to.equal(false)

        const after = await authorisedCredentials(served, kind)
        expect(after.status, 'still serving').to.equal(200)
        expect(secretsIn(served.debug.join('\n')), 'debug lines').to.deep.equal([])
        expect(served.debug.join('\n')).to.not.include(TOKEN)
        expect(uncaught).to.deep.equal([])
      } finally {
        await served.close()
      }
    })

    it(`${kind}: oversized requests are refused and slow or idle clients do not block the others`, async function () {
      const served = kind === 'ecs' ? await ecs() : await ec2()
      const slow = Array.from({length: 40}, () =>
        slowClient(served.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${TOKEN}\r\nX-Pad: ${'a'.repeat(100)}\r\n\r\n`, 100),
      )
      const idle = Array.from({length: 40}, () => slowClient(served.port, '', 1000))
      try {
        // Headers over Node's 16 KB limit, a path of a megabyte, a body of 20 MB nobody reads.
        const bigHeader = await rawRequest(served.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(100_000)}\r\n\r\n`)
        expect(bigHeader.status).to.equal(431)
        const bigPath = await rawRequest(served.port, `GET /${'p'.repeat(1024 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
        expect(bigPath.status).to.be.within(400, 499)
        const bigBody = await rawRequest(
          served.port,
          Buffer.concat([
            Buffer.from(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${TOKEN}\r\nContent-Length: ${20 * 1024 * 1024}\r\n\r\n`),
            Buffer.alloc(20 * 1024 * 1024, 'z'),
          ]),
        )
        expect(bigBody.status).to.be.within(400, 499)

        // With 80 slow and idle connections open, every ordinary request is answered.
        for (let index = 0; index < 20; index++) {
          const response = await authorisedCredentials(served, kind)
          expect(response.status).to.equal(200)
        }
        expect(
          slow.every((client) => !client.socket.destroyed),
          'the slow clients are still waiting',
        ).to.equal(true)
        expect(uncaught).to.deep.equal([])
      } finally {
        for (const client of [...slow, ...idle]) client.stop()
        await served.close()
      }
    })
  }
})
