import {expect} from 'chai'

import {startEc2Server, type Ec2Server} from '../../../src/lib/server/ec2-server.ts'
import type {RunningServer} from '../../../src/lib/server/listen.ts'
import {startMetadataProxy, stopMetadataProxy} from '../../../src/lib/server/metadata-proxy.ts'
import {RefreshingCredentials} from '../../../src/lib/server/refreshing-credentials.ts'
import {call} from './http-client.ts'

// The proxy on a loopback port here; binding 169.254.169.254:80 itself is proven in test/e2e/server-proxy.test.ts.
describe('metadata proxy (in process)', () => {
  let ec2: Ec2Server
  let proxy: RunningServer
  let stops = 0

  before(async () => {
    const credentials = new RefreshingCredentials(
      async () => ({accessKeyId: 'ASIAPROXY', expiration: new Date(Date.now() + 3_600_000), secretAccessKey: 's', sessionToken: 't'}),
      {
        label: 'profile test',
        minTtlSeconds: 300,
      },
    )
    ec2 = await startEc2Server({address: {host: '127.0.0.1', port: 0}, credentials})
    proxy = await startMetadataProxy({listen: {host: '127.0.0.1', port: 0}, onStop: () => stops++, target: ec2.address})
  })

  after(async () => {
    await proxy.close()
    await ec2.close()
  })

  it('forwards IMDSv2 to the EC2 metadata server with the Host unchanged', async () => {
    const put = await call(proxy.address.port, {
      headers: {Host: '169.254.169.254', 'X-aws-ec2-metadata-token-ttl-seconds': '60'},
      method: 'PUT',
      path: '/latest/api/token',
    })
    expect(put.status).to.equal(200)
    const answer = await call(proxy.address.port, {
      headers: {Host: '169.254.169.254', 'X-aws-ec2-metadata-token': put.body},
      path: '/latest/meta-data/iam/security-credentials/local-credentials',
    })
    expect(answer.status).to.equal(200)
    expect(JSON.parse(answer.body)).to.include({AccessKeyId: 'ASIAPROXY'})
  })

  it('refuses a foreign Host before forwarding', async () => {
    const answer = await call(proxy.address.port, {headers: {Host: 'evil.example'}, path: '/latest/meta-data/iam/security-credentials/'})
    expect(answer.status).to.equal(401)
  })

  it('says so when no EC2 metadata server runs behind it', async () => {
    const lonely = await startMetadataProxy({listen: {host: '127.0.0.1', port: 0}, onStop: () => {}, target: {host: '127.0.0.1', port: 1}})
    try {
      const answer = await call(lonely.address.port, {headers: {Host: '169.254.169.254'}, path: '/latest/meta-data/'})
      expect(answer.status).to.equal(502)
      expect(answer.body).to.equal('no EC2 metadata server answers on 127.0.0.1:1: start one with vault exec --ec2-server')
    } finally {
      await lonely.close()
    }
  })

  it('stops when asked on /stop', async () => {
    expect(await stopMetadataProxy(proxy.address)).to.equal(true)
    expect(stops).to.equal(1)
    expect(await stopMetadataProxy({host: '127.0.0.1', port: 1})).to.equal(false)
  })
})
