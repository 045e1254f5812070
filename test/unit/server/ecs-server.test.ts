import {expect} from 'chai'

import type {Credentials} from '../../../src/lib/plugin-api/index.ts'

import {startEcsServer, type EcsServer} from '../../../src/lib/server/ecs-server.ts'
import {RefreshingCredentials} from '../../../src/lib/server/refreshing-credentials.ts'
import {call} from './http-client.ts'

const inAnHour = () => new Date(Date.now() + 3_600_000)

function source(label: string, fetch: () => Promise<Credentials>): RefreshingCredentials {
  return new RefreshingCredentials(fetch, {label, minTtlSeconds: 300})
}

describe('ECS credential server (in process)', () => {
  let server: EcsServer
  let baseFetches = 0
  const roles: string[] = []
  const lines: string[] = []

  before(async () => {
    const base = source('profile test', async () => {
      baseFetches++
      return {accessKeyId: 'ASIABASE', expiration: inAnHour(), secretAccessKey: 'base-secret', sessionToken: 'base-token'}
    })
    server = await startEcsServer({
      credentials: base,
      log: (line) => lines.push(line),
      requestLog: (line) => lines.push(line),
      roleCredentials: (roleArn) => {
        roles.push(roleArn)
        if (roleArn.endsWith('/broken')) {
          return source(`role ${roleArn}`, async () => {
            throw new Error('AccessDenied: not allowed to assume broken')
          })
        }
        return source(`role ${roleArn}`, async () => ({
          accessKeyId: 'ASIAROLE',
          expiration: inAnHour(),
          secretAccessKey: 'role-secret',
          sessionToken: 'role-token',
        }))
      },
    })
  })

  after(() => server.close())

  const auth = () => ({Authorization: server.authToken, Host: `127.0.0.1:${server.address.port}`})

  it('listens on 127.0.0.1 at a random port and gives its URL without a path', () => {
    expect(server.address.host).to.equal('127.0.0.1')
    expect(server.address.port).to.be.greaterThan(0)
    expect(server.url).to.equal(`http://127.0.0.1:${server.address.port}`)
  })

  it('serves the credentials on / with the token, by 127.0.0.1 or localhost', async () => {
    for (const host of [`127.0.0.1:${server.address.port}`, `localhost:${server.address.port}`, 'localhost']) {
      const answer = await call(server.address.port, {headers: {...auth(), Host: host}})
      expect(answer.status, host).to.equal(200)
      expect(answer.headers['content-type']).to.equal('application/json; charset=utf-8')
      const body = JSON.parse(answer.body) as Record<string, string>
      expect(body).to.include({AccessKeyId: 'ASIABASE', SecretAccessKey: 'base-secret', Token: 'base-token'})
      expect(body.Expiration).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    }
  })

  it('refuses a request without the token, or with another one', async () => {
    for (const headers of [
      {Host: `127.0.0.1:${server.address.port}`},
      {...auth(), Authorization: 'wrong'},
      {...auth(), Authorization: `Bearer ${server.authToken}`},
    ]) {
      const answer = await call(server.address.port, {headers})
      expect(answer.status).to.equal(403)
      expect(JSON.parse(answer.body)).to.deep.equal({Message: 'invalid Authorization token'})
      expect(answer.body).not.to.include('ASIABASE')
    }
  })

  it('refuses a Host that is not the loopback address, even with the token (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${server.address.port}`, '127.0.0.1.nip.io', '169.254.170.2']) {
      const answer = await call(server.address.port, {headers: {...auth(), Host: host}})
      expect(answer.status, host).to.equal(403)
      expect((JSON.parse(answer.body) as {Message: string}).Message).to.include('does not name the loopback address')
    }
  })

  it('assumes the role named in /role-arn/<arn>, percent-encoded or not', async () => {
    const arn = 'arn:aws:iam::123456789012:role/path/admin'
    for (const path of [`/role-arn/${arn}`, `/role-arn/${encodeURIComponent(arn)}`]) {
      const answer = await call(server.address.port, {headers: auth(), path})
      expect(answer.status).to.equal(200)
      expect(JSON.parse(answer.body)).to.include({AccessKeyId: 'ASIAROLE', Token: 'role-token'})
    }
    expect(roles.slice(-2)).to.deep.equal([arn, arn])
  })

  it('answers 400 for what is not a role ARN, 404 elsewhere, 405 for other methods', async () => {
    expect((await call(server.address.port, {headers: auth(), path: '/role-arn/admin'})).status).to.equal(400)
    expect((await call(server.address.port, {headers: auth(), path: '/role-arn/%E0%A4%A'})).status).to.equal(400)
    expect((await call(server.address.port, {headers: auth(), path: '/creds'})).status).to.equal(404)
    const post = await call(server.address.port, {headers: auth(), method: 'POST'})
    expect(post.status).to.equal(405)
    expect(post.headers.allow).to.equal('GET, HEAD')
  })

  it('reports a failed fetch as a 500 with the one-line message', async () => {
    const answer = await call(server.address.port, {headers: auth(), path: '/role-arn/arn:aws:iam::123456789012:role/broken'})
    expect(answer.status).to.equal(500)
    expect(JSON.parse(answer.body)).to.deep.equal({Message: 'AccessDenied: not allowed to assume broken'})
  })

  it('fetched the base credentials once for all these requests', () => {
    expect(baseFetches).to.equal(1)
  })

  it('logs each request without headers or credentials', () => {
    const logged = lines.join('\n')
    expect(logged).to.match(/ecs server: 127\.0\.0\.1 GET \/ 200 \(\d+\.\d ms\)/)
    expect(logged).to.match(/ecs server: 127\.0\.0\.1 GET \/ 403/)
    expect(logged).not.to.include(server.authToken)
    expect(logged).not.to.include('base-secret')
    expect(logged).not.to.include('role-token')
  })

  it('gives each run its own token', async () => {
    const other = await startEcsServer({credentials: source('x', async () => ({accessKeyId: 'A', secretAccessKey: 'B'}))})
    try {
      expect(other.authToken).to.not.equal(server.authToken)
      expect(other.address.port).to.not.equal(server.address.port)
      const refused = await call(other.address.port, {headers: auth()})
      expect(refused.status).to.equal(403)
    } finally {
      await other.close()
    }
  })
})
