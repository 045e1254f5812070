// An STS that answers with credentials nobody can use (already expired, a session token of
// megabytes, fields that are not credentials, an expiry decades away) or never answers at all:
// vault refuses in one line, caches nothing, runs no child, and bounds every call in time.
import {expect} from 'chai'
import {existsSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {startEmulator, type Emulator, type HostileCredentials} from '../helpers/emulator.ts'
import {leaks, registerSecret} from './support/transcript.ts'
import {World} from './support/world.ts'

describe('hostile STS answers (built binary)', function () {
  this.timeout(180_000)
  let aws: Emulator
  let world: World

  before(async function () {
    aws = await startEmulator({roles: [{name: 'admin'}], users: [{name: 'alice'}]})
    registerSecret('long-term secret key', aws.credentials('alice').secretAccessKey)
    world = new World()
    world.extraEnv.AWS_ENDPOINT_URL = aws.url
    world.writeConfig(`[profile alice]
region = eu-west-1

[profile admin]
region = eu-west-1
source_profile = alice
role_arn = ${aws.role('admin').arn}
`)
    const alice = aws.credentials('alice')
    await world.addKey('alice', alice.accessKeyId, alice.secretAccessKey)
  })

  after(async function () {
    aws.clearFaults()
    await aws?.stop()
    world?.cleanup()
  })

  const storedItems = () => readdirSync(world.keysDir).sort()
  const marker = join(process.env.TMPDIR ?? '/tmp', `vault-hostile-child-${process.pid}`)
  const childMarking = ['--', '/bin/sh', '-c', `: > ${marker}`]

  it('STS answering with credentials already expired, a huge session token, fields that are not credentials or an expiry in 2099: one line, exit 1, no child, nothing cached, and the next run works', async function () {
    const hour = 3600 * 1000
    const hostile: Array<[string, string, HostileCredentials]> = [
      ['GetSessionToken', 'alice', {Expiration: new Date(Date.now() - hour).toISOString().replace(/\.\d{3}Z$/, 'Z')}],
      ['GetSessionToken', 'alice', {SessionToken: registerSecret('session token', `IQo${'A1b2'.repeat(512 * 1024)}`)}],
      ['GetSessionToken', 'alice', {SessionToken: `IQoJb3JpZ2luX2Vj\n$(touch ${marker})`}],
      ['GetSessionToken', 'alice', {AccessKeyId: 'ASIA Y34FZKBOKMUT;'}],
      ['GetSessionToken', 'alice', {SecretAccessKey: `wJalrXUtnFEMI/K7MDENG\`touch ${marker}\``}],
      ['GetSessionToken', 'alice', {Expiration: '2099-01-01T00:00:00Z'}],
      ['AssumeRole', 'admin', {Expiration: new Date(Date.now() - hour).toISOString().replace(/\.\d{3}Z$/, 'Z')}],
      ['AssumeRole', 'admin', {Expiration: '2099-01-01T00:00:00Z'}],
    ]
    for (const [action, profile, fields] of hostile) {
      const what = `${action} ${JSON.stringify(fields).slice(0, 80)}`
      const before = storedItems()
      aws.answerWith(action, fields, 1)
      const refused = await world.run(['exec', profile, ...childMarking])
      aws.clearFaults()
      expect(refused.code, `${what}: ${refused.stderr.slice(0, 300)}`).to.equal(1)
      expect(refused.stderr, what).to.match(/^vault: .*(refused|nothing was cached)/)
      expect(
        refused.stderr.split('\n').filter((line) => line && !line.startsWith('Try this:')),
        what,
      ).to.have.length(1)
      expect(refused.stderr.length, what).to.be.below(2000)
      expect(existsSync(marker), `${what}: the child ran`).to.equal(false)
      expect(storedItems(), `${what}: something was cached`).to.deep.equal(before)

      const next = await world.run(['exec', profile, ...childMarking])
      expect(next.code, `${what}, the next run: ${next.stderr}`).to.equal(0)
      expect(existsSync(marker)).to.equal(true)
      rmSync(marker)
      await world.ok(['clear'])
    }
  })

  it('an STS that never answers: one line after the timeout and attempts set by VAULT_AWS_TIMEOUT_MS and AWS_MAX_ATTEMPTS, exit 1, no hang; a bad setting is one line', async function () {
    aws.latency(15_000)
    try {
      const result = await world.run(['exec', 'alice', ...childMarking], {env: {AWS_MAX_ATTEMPTS: '2', VAULT_AWS_TIMEOUT_MS: '500'}})
      expect(result.code, result.stderr).to.equal(1)
      expect(result.stderr).to.match(
        /^vault: GetSessionToken failed: STS gave no answer within 0\.5s \(2 attempts\) at http:\/\/127\.0\.0\.1:\d+\n/,
      )
      expect(result.stderr).to.include('VAULT_AWS_TIMEOUT_MS')
      expect(existsSync(marker)).to.equal(false)
    } finally {
      aws.clearFaults()
    }
    const bad = await world.run(['exec', 'alice', ...childMarking], {env: {VAULT_AWS_TIMEOUT_MS: 'soon'}})
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.match(/^vault: VAULT_AWS_TIMEOUT_MS must be a whole number of milliseconds from 1 to 600000, not "soon"\n/)
  })

  it('everything vault printed in this file holds none of the test secrets', function () {
    expect(leaks().join('\n')).to.equal('')
  })
})
