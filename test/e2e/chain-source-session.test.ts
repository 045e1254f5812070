import {expect} from 'chai'

import type {Seed} from '../helpers/emulator.ts'
import {ChainWorld} from './chain-helpers.ts'

// A profile with source_profile and no role_arn: aws-vault v7.2 wraps the source's long-term keys
// in a GetSessionToken carrying this profile's mfa_serial, and hands the child that session.
const seed: Seed = {users: [{mfa: true, name: 'carol'}, {name: 'dave'}]}

describe('source_profile without role_arn (built binary, emulator)', function () {
  this.timeout(60_000)
  let world: ChainWorld

  beforeEach(async () => {
    world = await ChainWorld.start(
      seed,
      (aws) => `
[profile work]
region = eu-west-1

[profile work-mfa]
region = eu-west-1
source_profile = work
mfa_serial = ${aws.user('carol').mfaSerial}

[profile dave]
region = eu-west-1

[profile dave-plain]
region = eu-west-1
source_profile = dave
`,
      [],
    )
    const carol = world.aws.credentials('carol')
    await world.sandbox.addKey('work', carol.accessKeyId, carol.secretAccessKey)
    const dave = world.aws.credentials('dave')
    await world.sandbox.addKey('dave', dave.accessKeyId, dave.secretAccessKey)
  })

  afterEach(() => world.stop())

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the issue's command line, expanded by sh
  const printToken = 'echo ${AWS_SESSION_TOKEN:-none}'

  it(`vault exec -t <code> work-mfa -- sh -c '${printToken}' prints a session token made with MFA`, async () => {
    const code = world.aws.totp(world.serial('carol'))
    const result = await world.run(['exec', '-t', code, 'work-mfa', '--', 'sh', '-c', printToken])
    expect(result.code, result.stderr).to.equal(0)
    const token = result.stdout.trim()
    expect(token).to.not.equal('none')
    expect(world.stsCalls()).to.deep.equal([
      {action: 'GetSessionToken', by: 'keys of carol', params: {DurationSeconds: '3600', SerialNumber: world.serial('carol')}},
    ])
    // The session is cached under work-mfa: the next run reuses it, and AWS knows it was made with MFA.
    const cached = await world.credentials('work-mfa')
    expect(cached.SessionToken).to.equal(token)
    expect(world.aws.session(cached.AccessKeyId)?.mfa).to.equal(true)
    expect(world.stsCalls()).to.have.length(1)
  })

  it('without mfa_serial: a GetSessionToken without MFA, cached under the profile asked for', async () => {
    const first = await world.credentials('dave-plain')
    expect(first.SessionToken).to.be.a('string')
    expect(world.stsCalls()).to.deep.equal([{action: 'GetSessionToken', by: 'keys of dave', params: {DurationSeconds: '3600'}}])
    const again = await world.credentials('dave-plain')
    expect(again.AccessKeyId).to.equal(first.AccessKeyId)
    expect(world.stsCalls()).to.have.length(1)
  })
})
