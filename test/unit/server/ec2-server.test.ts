import {expect} from 'chai'

import {startEc2Server, type Ec2Server} from '../../../src/lib/server/ec2-server.ts'
import {RefreshingCredentials} from '../../../src/lib/server/refreshing-credentials.ts'
import {call} from './http-client.ts'

const credentials = () =>
  new RefreshingCredentials(
    async () => ({
      accessKeyId: 'ASIAEC2',
      expiration: new Date(Date.now() + 3_600_000),
      secretAccessKey: 'ec2-secret',
      sessionToken: 'ec2-token',
    }),
    {
      label: 'profile test',
      minTtlSeconds: 300,
    },
  )

describe('EC2 metadata server (in process)', () => {
  let server: Ec2Server
  let host: string

  beforeEach(async () => {
    server = await startEc2Server({address: {host: '127.0.0.1', port: 0}, credentials: credentials(), region: 'eu-west-1'})
    host = `127.0.0.1:${server.address.port}`
  })

  afterEach(() => server.close())

  const get = (path: string, headers: Record<string, string> = {}) => call(server.address.port, {headers: {Host: host, ...headers}, path})

  it('announces its endpoint with the trailing slash SDKs need', () => {
    expect(server.endpoint).to.equal(`http://${host}/`)
  })

  it("serves aws-vault's paths over IMDSv1, with or without trailing slashes", async () => {
    expect((await get('/latest/meta-data/iam/security-credentials/')).body).to.equal('local-credentials')
    expect((await get('/latest/meta-data/iam/security-credentials')).body).to.equal('local-credentials')
    const document = await get('/latest/meta-data/iam/security-credentials/local-credentials')
    expect(document.status).to.equal(200)
    const body = JSON.parse(document.body) as Record<string, string>
    expect(body).to.include({AccessKeyId: 'ASIAEC2', Code: 'Success', SecretAccessKey: 'ec2-secret', Token: 'ec2-token', Type: 'AWS-HMAC'})
    expect(body.Expiration).to.match(/Z$/)
    expect(body.LastUpdated).to.match(/Z$/)
    expect(JSON.parse((await get('/latest/meta-data/iam/info/')).body)).to.include({Code: 'Success'})
    expect((await get('/latest/meta-data/instance-id/')).body).to.equal('vault')
  })

  it('tells the region: identity document, availability zone and region', async () => {
    for (const path of ['/latest/dynamic/instance-identity/document', '/latest/meta-data/dynamic/instance-identity/document']) {
      expect(JSON.parse((await get(path)).body), path).to.include({availabilityZone: 'eu-west-1a', region: 'eu-west-1'})
    }
    expect((await get('/latest/meta-data/placement/availability-zone/')).body).to.equal('eu-west-1a')
    expect((await get('/latest/meta-data/placement/region')).body).to.equal('eu-west-1')
  })

  it('has no placement without a region', async () => {
    const bare = await startEc2Server({address: {host: '127.0.0.1', port: 0}, credentials: credentials()})
    try {
      const answer = await call(bare.address.port, {
        headers: {Host: `127.0.0.1:${bare.address.port}`},
        path: '/latest/meta-data/placement/availability-zone/',
      })
      expect(answer.status).to.equal(404)
      const document = await call(bare.address.port, {
        headers: {Host: `127.0.0.1:${bare.address.port}`},
        path: '/latest/dynamic/instance-identity/document',
      })
      expect(JSON.parse(document.body)).not.to.have.property('region')
    } finally {
      await bare.close()
    }
  })

  it('IMDSv2: a token for a TTL; a GET that carries one must carry a valid one, and IMDSv1 is still answered', async () => {
    const put = await call(server.address.port, {
      headers: {Host: host, 'X-aws-ec2-metadata-token-ttl-seconds': '21600'},
      method: 'PUT',
      path: '/latest/api/token',
    })
    expect(put.status).to.equal(200)
    expect(put.headers['x-aws-ec2-metadata-token-ttl-seconds']).to.equal('21600')
    const token = put.body
    expect(token).to.match(/^[\w-]{55}$/)
    expect(
      (await get('/latest/meta-data/iam/security-credentials/local-credentials', {'X-aws-ec2-metadata-token': token})).status,
    ).to.equal(200)
    expect((await get('/latest/meta-data/iam/security-credentials/local-credentials')).status).to.equal(200)
    expect((await get('/latest/meta-data/iam/security-credentials/', {'X-aws-ec2-metadata-token': `${token}x`})).status).to.equal(401)
    expect((await get('/latest/meta-data/instance-id')).status).to.equal(200)
  })

  it('IMDSv2: refuses a token request without a valid TTL or through a proxy', async () => {
    const put = (headers: Record<string, string>) =>
      call(server.address.port, {headers: {Host: host, ...headers}, method: 'PUT', path: '/latest/api/token'})
    expect((await put({})).status).to.equal(400)
    expect((await put({'X-aws-ec2-metadata-token-ttl-seconds': '0'})).status).to.equal(400)
    expect((await put({'X-aws-ec2-metadata-token-ttl-seconds': '21601'})).status).to.equal(400)
    expect((await put({'X-aws-ec2-metadata-token-ttl-seconds': '60', 'X-Forwarded-For': '10.0.0.1'})).status).to.equal(403)
    expect((await get('/latest/meta-data/instance-id')).status).to.equal(200)
    expect(
      (await call(server.address.port, {headers: {Host: host}, method: 'PUT', path: '/latest/meta-data/instance-id'})).status,
    ).to.equal(405)
    expect((await call(server.address.port, {headers: {Host: host}, method: 'DELETE', path: '/'})).status).to.equal(405)
  })

  it('accepts the metadata address and loopback names as Host, nothing else', async () => {
    for (const ok of ['169.254.169.254', '169.254.169.254:80', `localhost:${server.address.port}`]) {
      expect((await get('/latest/meta-data/instance-id', {Host: ok})).status, ok).to.equal(200)
    }
    for (const bad of ['evil.example', `evil.example:${server.address.port}`, '169.254.169.254.evil.example']) {
      const answer = await get('/latest/meta-data/iam/security-credentials/local-credentials', {Host: bad})
      expect(answer.status, bad).to.equal(401)
      expect(answer.body).to.match(/^Access denied for host/)
    }
  })

  it('answers 404 for paths it does not serve', async () => {
    expect((await get('/latest/meta-data/ami-id')).status).to.equal(404)
    expect((await get('/latest/meta-data/iam/security-credentials/other-role')).status).to.equal(404)
  })

  it('reports an address in use as one line', async () => {
    const failure = await startEc2Server({address: server.address, credentials: credentials()}).then(
      () => undefined,
      (error: unknown) => error as Error,
    )
    expect(failure?.message).to.equal(`cannot start the EC2 metadata server on 127.0.0.1:${server.address.port}: the address is in use`)
  })
})
