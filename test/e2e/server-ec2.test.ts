import {fromInstanceMetadata} from '@smithy/credential-provider-imds'
import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {createServer, request, type Server} from 'node:http'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {repoRoot} from '../helpers/cli.ts'
import type {Emulator, Seed} from '../helpers/emulator.ts'
import {ChainWorld} from './chain-helpers.ts'
import {awsCliEnv, burstAtExpiry, credentialFetches, REFRESH_WINDOW, type SdkCredentials, ServedRun, untilStale} from './server-world.ts'

const run = promisify(execFile)
const ACCOUNT = '123456789012'
const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`
const anyPort = ['--ec2-server', '--ec2-address', '127.0.0.1:0']

const seed: Seed = {users: [{name: 'bob'}]}
const config = (_aws: Emulator) => '[profile bob]\nregion = eu-west-1\n'

/** The AWS SDK v3 instance metadata provider, in a program that reads its environment. */
const sdkProgram = `
const {createRequire} = require('node:module')
const load = createRequire(${JSON.stringify(join(repoRoot, 'package.json'))})
const {fromInstanceMetadata} = load('@smithy/credential-provider-imds')
const {GetCallerIdentityCommand, STSClient} = load('@aws-sdk/client-sts')
const client = new STSClient({credentials: fromInstanceMetadata({maxRetries: 0}), endpoint: process.env.EMULATOR_URL, region: 'eu-west-1'})
client.send(new GetCallerIdentityCommand({})).then(
  (answer) => process.stdout.write(answer.Arn),
  (error) => { process.stderr.write(String(error)); process.exit(1) },
)
`

interface Answer {
  status: number
  body: string
}

function call(url: string, options: {method?: string; headers?: Record<string, string>} = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = request(url, {agent: false, headers: options.headers ?? {}, method: options.method ?? 'GET'}, (answer) => {
      let body = ''
      answer.on('data', (chunk: Buffer) => (body += chunk.toString()))
      answer.on('end', () => resolve({body, status: answer.statusCode ?? 0}))
    })
    sent.on('error', reject)
    sent.end()
  })
}

/**
 * An IMDS without v2, as clients meet one behind an old proxy: token requests refused with 403,
 * everything else forwarded. The SDK and the AWS CLI then fall back to IMDSv1.
 */
async function v1Only(target: string): Promise<{url: string; server: Server}> {
  const server = createServer((incoming, outgoing) => {
    if (incoming.method === 'PUT') {
      outgoing.writeHead(403).end()
      return
    }
    const upstream = request(
      new URL(incoming.url ?? '/', target),
      {agent: false, headers: incoming.headers, method: incoming.method},
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(outgoing)
      },
    )
    upstream.on('error', () => outgoing.writeHead(502).end())
    upstream.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as {port: number}
  return {server, url: `http://127.0.0.1:${address.port}/`}
}

describe('vault exec --ec2-server (built binary, emulator, real AWS CLI and SDK)', function () {
  this.timeout(90_000)
  let world: ChainWorld

  beforeEach(async () => {
    world = await ChainWorld.start(seed, config, ['bob'])
  })

  afterEach(() => world.stop())

  it('gives the child the metadata endpoint with its trailing slash, and no keys', async () => {
    const served = await ServedRun.start(world, 'bob', anyPort, {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1',
      AWS_EC2_METADATA_DISABLED: 'true',
    })
    expect(served.env.AWS_EC2_METADATA_SERVICE_ENDPOINT).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(served.env).to.include({AWS_REGION: 'eu-west-1', AWS_VAULT: 'bob'})
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_EC2_METADATA_DISABLED',
    ]) {
      expect(served.env, name).not.to.have.property(name)
    }
    expect((await served.finish(0)).code).to.equal(0)
  })

  it('serves the real AWS CLI v2 run as the command, over IMDSv2', async () => {
    const result = await world.run([
      'exec',
      'bob',
      ...anyPort,
      '--debug',
      '--',
      '/usr/bin/aws',
      'sts',
      'get-caller-identity',
      '--endpoint-url',
      world.aws.url,
      '--query',
      'Arn',
      '--output',
      'text',
    ])
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout.trim()).to.equal(BOB)
    expect(result.stderr).to.match(/ec2 server: 127\.0\.0\.1 PUT \/latest\/api\/token 200/)
    expect(result.stderr).to.match(/ec2 server: 127\.0\.0\.1 GET \/latest\/meta-data\/iam\/security-credentials\/local-credentials 200/)
    expect(result.stderr).not.to.match(/ 401 \(/)
  })

  it('serves the AWS SDK v3 instance metadata provider run as the command, over IMDSv2', async () => {
    const result = await world.run(['exec', 'bob', ...anyPort, '--debug', '--', process.execPath, '-e', sdkProgram], {
      EMULATOR_URL: world.aws.url,
    })
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.equal(BOB)
    expect(result.stderr).to.match(/ec2 server: 127\.0\.0\.1 PUT \/latest\/api\/token 200/)
  })

  it('serves the AWS CLI and the SDK over IMDSv1 when token requests are refused on the way', async () => {
    const served = await ServedRun.start(world, 'bob', [...anyPort, '--debug'])
    const v1 = await v1Only(served.env.AWS_EC2_METADATA_SERVICE_ENDPOINT!)
    try {
      const env = awsCliEnv(world.sandbox.home, {
        AWS_EC2_METADATA_SERVICE_ENDPOINT: v1.url,
        AWS_REGION: 'eu-west-1',
        EMULATOR_URL: world.aws.url,
      })
      const cli = await run(
        '/usr/bin/aws',
        ['sts', 'get-caller-identity', '--endpoint-url', world.aws.url, '--query', 'Arn', '--output', 'text'],
        {env},
      )
      expect(cli.stdout.trim()).to.equal(BOB)
      const sdk = await run(process.execPath, ['-e', sdkProgram], {env})
      expect(sdk.stdout).to.equal(BOB)
    } finally {
      v1.server.close()
    }
    const ended = await served.finish(0)
    expect(ended.stderr).not.to.include('PUT /latest/api/token')
    expect(ended.stderr.match(/GET \/latest\/meta-data\/iam\/security-credentials\/local-credentials 200/g)).to.have.length(2)
  })

  it('IMDSv2: a GET with a wrong token is refused; IMDSv1 is answered before and after tokens were issued', async () => {
    const served = await ServedRun.start(world, 'bob', anyPort)
    const endpoint = served.env.AWS_EC2_METADATA_SERVICE_ENDPOINT!
    const credentialsPath = `${endpoint}latest/meta-data/iam/security-credentials/local-credentials`
    expect((await call(credentialsPath)).status, 'IMDSv1 before any token').to.equal(200)
    expect((await call(`${endpoint}latest/api/token`, {method: 'PUT'})).status, 'no TTL').to.equal(400)
    const token = await call(`${endpoint}latest/api/token`, {headers: {'X-aws-ec2-metadata-token-ttl-seconds': '300'}, method: 'PUT'})
    expect(token.status).to.equal(200)
    expect((await call(credentialsPath, {headers: {'X-aws-ec2-metadata-token': token.body}})).status).to.equal(200)
    expect((await call(credentialsPath)).status, 'IMDSv1 after a token was issued').to.equal(200)
    expect((await call(credentialsPath, {headers: {'X-aws-ec2-metadata-token': 'forged'}})).status).to.equal(401)
    const foreign = await call(credentialsPath, {headers: {Host: 'attacker.example', 'X-aws-ec2-metadata-token': token.body}})
    expect(foreign.status).to.equal(401)
    expect(foreign.body).not.to.include('ASIA')
    const region = await call(`${endpoint}latest/dynamic/instance-identity/document`, {headers: {'X-aws-ec2-metadata-token': token.body}})
    expect(JSON.parse(region.body)).to.include({availabilityZone: 'eu-west-1a', region: 'eu-west-1'})
    expect((await served.finish(0)).code).to.equal(0)
  })

  it('refreshes before expiry for the SDK provider: each credential served has more than AWS_MIN_TTL left and works', async () => {
    const served = await ServedRun.start(world, 'bob', [...anyPort, '--lazy', '--duration', '15m', '--debug'], {
      AWS_MIN_TTL: REFRESH_WINDOW.minTtl,
    })
    // The provider reads its endpoint from the environment, as in the command's process.
    const saved = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT
    process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = served.env.AWS_EC2_METADATA_SERVICE_ENDPOINT!
    const keys: string[] = []
    try {
      let held: SdkCredentials | undefined
      for (let poll = 0; poll < 3; poll++) {
        if (held) await untilStale(held)
        const credentials = await burstAtExpiry(world, () => fromInstanceMetadata({maxRetries: 0, timeout: 5000})())
        expect(
          await world.identity({
            AccessKeyId: credentials.accessKeyId,
            SecretAccessKey: credentials.secretAccessKey,
            SessionToken: credentials.sessionToken!,
            Version: 1,
          }),
        ).to.equal(BOB)
        keys.push(credentials.accessKeyId)
        held = credentials
      }
    } finally {
      if (saved === undefined) delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT
      else process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = saved
    }
    expect(new Set(keys).size).to.equal(3)
    const ended = await served.finish(0)
    expect(ended.code).to.equal(0)
    expect(world.aws.callsOf('GetSessionToken'), 'one STS call per refresh').to.have.length(credentialFetches(ended.stderr))
  })

  it('keeps the real AWS CLI working across refreshes', async () => {
    const loop = `for i in 1 2 3; do /usr/bin/aws sts get-caller-identity --endpoint-url ${world.aws.url} --query Arn --output text || exit 9; sleep 3.5; done`
    const result = await world.run(
      ['exec', 'bob', ...anyPort, '--duration', '15m', '--debug', '--', 'sh', '-c', loop],
      {AWS_MIN_TTL: '14m57s'},
      60_000,
    )
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout.trim().split('\n')).to.deep.equal(Array(3).fill(BOB))
    expect(
      new Set(world.aws.callsOf('GetCallerIdentity').map((call) => call.accessKeyId)).size,
      'each CLI run got newer credentials',
    ).to.equal(3)
    // At least one refresh per run (the sleep outlasts the 3 s window); more when a slow start let the
    // first credentials go stale: each refresh one STS call.
    const fetches = credentialFetches(result.stderr)
    expect(fetches).to.be.at.least(3)
    expect(world.aws.callsOf('GetSessionToken'), 'one STS call per refresh').to.have.length(fetches)
  })

  it("exits with the command's exit code, dies of its signal, forwards SIGTERM and stops the server", async () => {
    expect((await world.run(['exec', 'bob', ...anyPort, '--', 'sh', '-c', 'exit 13'])).code).to.equal(13)
    expect((await world.run(['exec', 'bob', ...anyPort, '--', 'sh', '-c', 'kill -INT $$'])).signal).to.equal('SIGINT')
    const served = await ServedRun.start(
      world,
      'bob',
      anyPort,
      {},
      'trap "exit 5" TERM; env; echo --child-ready--; while :; do sleep 0.05; done',
    )
    const endpoint = served.env.AWS_EC2_METADATA_SERVICE_ENDPOINT!
    expect((await call(`${endpoint}latest/meta-data/instance-id`)).status).to.equal(200)
    served.child.kill('SIGTERM')
    expect((await served.ended()).code).to.equal(5)
    const after = await call(endpoint).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    )
    expect(after).to.equal('ECONNREFUSED')
  })

  it('listens where --ec2-address says, loopback only, and reports a busy address', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const port = (holder.address() as {port: number}).port
    try {
      const busy = await world.run([
        'exec',
        'bob',
        '--ec2-server',
        '--ec2-address',
        `127.0.0.1:${port}`,
        '--',
        'sh',
        '-c',
        'echo child ran',
      ])
      expect(busy.code).to.equal(1)
      expect(busy.stdout).to.equal('')
      expect(busy.stderr.split('\n')[0]).to.equal(`vault: cannot start the EC2 metadata server on 127.0.0.1:${port}: the address is in use`)
    } finally {
      holder.close()
    }
    const remote = await world.run(['exec', 'bob', '--ec2-server', '--ec2-address', '0.0.0.0:9099', '--', 'true'])
    expect(remote.code).to.equal(2)
    expect(remote.stderr.split('\n')[0]).to.equal(
      'vault: --ec2-address 0.0.0.0 is not a loopback address: the server answers only this machine',
    )
    const garbled = await world.run(['exec', 'bob', '--ec2-server', '--ec2-address', 'localhost', '--', 'true'])
    expect(garbled.code).to.equal(2)
    expect(garbled.stderr.split('\n')[0]).to.equal('vault: "localhost" is not an address to listen on')
    const chosen = await ServedRun.start(world, 'bob', ['--ec2-server', '--ec2-address', '127.0.0.2:0'])
    expect(chosen.env.AWS_EC2_METADATA_SERVICE_ENDPOINT).to.match(/^http:\/\/127\.0\.0\.2:\d+\/$/)
    await chosen.finish(0)
  })
})
