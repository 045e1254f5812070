import {expect} from 'chai'

import type {Emulator} from '../helpers/emulator.ts'
import {ChainWorld} from './chain-helpers.ts'

const config = (aws: Emulator) => `
[profile alice]
region = eu-west-1
mfa_serial = ${aws.user('alice').mfaSerial}

[profile bob]
region = eu-west-1

[profile admin]
region = eu-west-1
source_profile = alice
role_arn = ${aws.role('admin').arn}
mfa_serial = ${aws.user('alice').mfaSerial}
`

interface ListedSession {
  type: string
  profile: string
  remainingSeconds: number
}

describe('vault clear and the sessions vault list shows (built binary)', function () {
  this.timeout(60_000)
  let world: ChainWorld

  beforeEach(async () => {
    world = await ChainWorld.start({roles: [{name: 'admin'}], users: [{mfa: true, name: 'alice'}, {name: 'bob'}]}, config, ['alice', 'bob'])
    await world.credentials('admin', ['--mfa-token', world.aws.totp(world.serial('alice'))])
    await world.credentials('bob')
  })

  afterEach(() => world.stop())

  async function listed(): Promise<ListedSession[]> {
    const result = await world.run(['list', '--json'])
    expect(result.code, result.stderr).to.equal(0)
    return (JSON.parse(result.stdout) as {result: {sessions: ListedSession[]}}).result.sessions
  }

  it('vault list shows the live sessions with their remaining time', async () => {
    const sessions = await listed()
    expect(sessions.map((s) => `${s.type} ${s.profile}`).sort()).to.deep.equal([
      'sts.AssumeRole admin',
      'sts.GetSessionToken alice',
      'sts.GetSessionToken bob',
    ])
    const byProfile = Object.fromEntries(sessions.map((s) => [s.profile, s.remainingSeconds]))
    expect(byProfile.alice).to.be.within(8 * 3600 - 120, 8 * 3600)
    expect(byProfile.admin).to.be.within(3600 - 120, 3600)
  })

  it("vault clear <profile> removes only that profile's sessions, and the next run calls STS again", async () => {
    const result = await world.run(['clear', 'admin'])
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.equal('Cleared 1 sessions.\n')
    expect((await listed()).map((s) => s.profile).sort()).to.deep.equal(['alice', 'bob'])
    const before = world.stsCalls().length
    await world.credentials('admin')
    expect(
      world
        .stsCalls()
        .slice(before)
        .map((call) => `${call.action} by ${call.by}`),
    ).to.deep.equal(['AssumeRole by GetSessionToken session of alice'])
  })

  it('vault clear removes every session and keeps the stored keys', async () => {
    const result = await world.run(['clear'])
    expect(result.stdout).to.equal('Cleared 3 sessions.\n')
    expect(await listed()).to.deep.equal([])
    const credentials = await world.run(['list', '--credentials'])
    expect(credentials.stdout.trim().split('\n')).to.deep.equal(['alice', 'bob'])
    expect((await world.run(['clear'])).stdout).to.equal('Cleared 0 sessions.\n')
  })

  it('--json gives the count', async () => {
    const result = await world.run(['clear', 'bob', '--json'])
    expect(JSON.parse(result.stdout)).to.deep.include({result: {cleared: 1, profile: 'bob'}, status: 0})
  })
})
