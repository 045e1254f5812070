// IMDSv2 session tokens of the EC2 metadata server (`vault exec --ec2-server`): any local process
// can ask for tokens, so no number of token requests may push out the token a client holds, and
// no token request may turn IMDSv1 clients away.
import {expect} from 'chai'
import {Agent, request} from 'node:http'

import {startEc2Server, type Ec2Server} from '../../src/lib/server/ec2-server.ts'
import {RefreshingCredentials} from '../../src/lib/server/refreshing-credentials.ts'
import {newSecretKey, registerSecret} from './support/transcript.ts'

const TOKEN_REQUESTS = Number(process.env.VAULT_IMDS_TOKEN_REQUESTS ?? 12_000)
const credentialsPath = '/latest/meta-data/iam/security-credentials/local-credentials'

function fakeCredentials(): RefreshingCredentials {
  const secret = newSecretKey()
  const token = registerSecret('session token', `IQo${newSecretKey()}`)
  return new RefreshingCredentials(
    async () => ({
      accessKeyId: 'ASIAIMDSIMDSIMDSIMDS',
      expiration: new Date(Date.now() + 3600_000),
      secretAccessKey: secret,
      sessionToken: token,
    }),
    {label: 'profile', minTtlSeconds: 300},
  )
}

interface Answer {
  status: number
  body: string
}

function call(server: Ec2Server, agent: Agent, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = request({agent, headers, host: server.address.host, method, path, port: server.address.port}, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({body, status: response.statusCode ?? 0}))
    })
    sent.on('error', reject)
    sent.end()
  })
}

const newToken = (server: Ec2Server, agent: Agent, ttl = '21600') =>
  call(server, agent, 'PUT', '/latest/api/token', {'X-aws-ec2-metadata-token-ttl-seconds': ttl})

describe('EC2 metadata server tokens', function () {
  this.timeout(600_000)
  let clock: {now: number}
  let server: Ec2Server
  let agent: Agent

  beforeEach(async function () {
    clock = {now: Date.parse('2030-01-01T00:00:00Z')}
    server = await startEc2Server({address: {host: '127.0.0.1', port: 0}, credentials: fakeCredentials(), now: () => clock.now})
    agent = new Agent({keepAlive: true, maxSockets: 8})
  })

  afterEach(async function () {
    agent.destroy()
    await server.close()
  })

  it('IMDSv2 tokens need no table: a flood of token requests leaves an earlier token valid, and never turns IMDSv1 away', async function () {
    const held = await newToken(server, agent)
    expect(held.status).to.equal(200)
    expect((await call(server, agent, 'GET', credentialsPath, {'X-aws-ec2-metadata-token': held.body})).status).to.equal(200)

    // Another local process asks for tokens, many at a time.
    for (let sent = 0; sent < TOKEN_REQUESTS; sent += 200) {
      const batch = await Promise.all(Array.from({length: 200}, () => newToken(server, agent, '60')))
      expect(batch.every((answer) => answer.status === 200)).to.equal(true)
    }

    const withToken = await call(server, agent, 'GET', credentialsPath, {'X-aws-ec2-metadata-token': held.body})
    expect(withToken.status, 'the token a client held through the flood').to.equal(200)
    expect(JSON.parse(withToken.body)).to.include({AccessKeyId: 'ASIAIMDSIMDSIMDSIMDS', Code: 'Success'})
    // IMDSv1: a client without a token is answered, whoever asked for tokens meanwhile.
    expect((await call(server, agent, 'GET', credentialsPath)).status, 'IMDSv1 after token requests').to.equal(200)
  })

  it('a token is refused once expired, altered, or issued by another run', async function () {
    const token = (await newToken(server, agent, '300')).body
    const other = await startEc2Server({address: {host: '127.0.0.1', port: 0}, credentials: fakeCredentials(), now: () => clock.now})
    const otherAgent = new Agent({keepAlive: false})
    try {
      const foreign = (await newToken(other, otherAgent, '300')).body
      expect((await call(server, agent, 'GET', credentialsPath, {'X-aws-ec2-metadata-token': foreign})).status).to.equal(401)
    } finally {
      otherAgent.destroy()
      await other.close()
    }
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
    for (const bad of [flipped, `${token}x`, token.slice(1), 'forged', ''])
      expect((await call(server, agent, 'GET', credentialsPath, {'X-aws-ec2-metadata-token': bad})).status, bad).to.equal(401)

    clock.now += 299_000
    expect((await call(server, agent, 'GET', credentialsPath, {'X-aws-ec2-metadata-token': token})).status).to.equal(200)
    clock.now += 1_000
    expect((await call(server, agent, 'GET', credentialsPath, {'X-aws-ec2-metadata-token': token})).status).to.equal(401)
  })
})
