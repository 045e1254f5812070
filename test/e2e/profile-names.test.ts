import {expect} from 'chai'

import type {ChainDescription} from '../../src/lib/providers/describe.ts'
import {ChainWorld} from './chain-helpers.ts'

// A name that is neither a config section nor stored keys is a typo: refused before any AWS call,
// instead of taking [default]'s role. Stored keys without a section keep working, as in aws-vault.
describe('profile names: typos refused, keys without a section accepted (built binary, emulator)', function () {
  this.timeout(60_000)
  let world: ChainWorld

  beforeEach(async () => {
    world = await ChainWorld.start(
      {roles: [{name: 'admin'}], users: [{name: 'bob'}]},
      (aws) => `
[default]
region = eu-west-1
source_profile = bob
role_arn = ${aws.role('admin').arn}

[profile work]
region = eu-west-1
source_profile = bob
role_arn = ${aws.role('admin').arn}

[profile bob]
region = eu-west-1
`,
      ['bob'],
    )
    const key = world.aws.credentials('bob')
    await world.sandbox.addKey('orphan', key.accessKeyId, key.secretAccessKey)
  })

  afterEach(() => world.stop())

  for (const command of [
    ['exec', 'wrok', '--', 'true'],
    ['export', 'wrok'],
    ['describe', 'wrok'],
    ['login', '--stdout', 'wrok'],
  ]) {
    it(`vault ${command.join(' ')}: did you mean "work", exit non-zero, no AWS call`, async () => {
      const result = await world.run(command)
      expect(result.code, result.stderr).to.not.equal(0)
      const lines = result.stderr.trim().split('\n')
      expect(lines[0]).to.match(/^vault: profile "wrok" is not in \S+ and has no stored keys$/)
      expect(lines).to.include('Try this: did you mean "work"?')
      expect(world.aws.calls).to.deep.equal([])
    })
  }

  it('a profile with stored keys and no config section works (exec, export, describe)', async () => {
    const exec = await world.run(['exec', 'orphan', '--', 'sh', '-c', 'echo $AWS_VAULT'])
    expect(exec.code, exec.stderr).to.equal(0)
    expect(exec.stdout).to.equal('orphan\n')
    // Like any profile without a section (and as in aws-vault), it takes [default]'s settings: here its role.
    expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['AssumeRole'])
    expect((await world.run(['export', '--no-session', 'orphan'])).code).to.equal(0)
    expect((await world.run(['describe', 'orphan'])).code).to.equal(0)
  })
})

describe('vault describe with missing keys (built binary)', function () {
  this.timeout(60_000)
  let world: ChainWorld

  beforeEach(async () => {
    world = await ChainWorld.start(
      {roles: [{name: 'admin'}], users: [{mfa: true, name: 'alice'}]},
      (aws) => `
[profile alice]
mfa_serial = ${aws.user('alice').mfaSerial}

[profile admin]
source_profile = alice
role_arn = ${aws.role('admin').arn}
mfa_serial = ${aws.user('alice').mfaSerial}
`,
      [],
    )
  })

  afterEach(() => world.stop())

  it('shows the whole chain with the missing keys marked and what to add', async () => {
    const result = await world.run(['describe', 'admin'])
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.match(/1\.\s+missing\s+alice\s+MISSING: no long-term keys stored for alice; add them with `vault add alice`/)
    expect(result.stdout).to.match(/2\.\s+GetSessionToken\s+alice/)
    expect(result.stdout).to.match(/3\.\s+AssumeRole\s+admin/)
    expect(result.stdout).to.include(
      'Missing: the long-term keys of alice, which this chain starts from; store them with `vault add alice`',
    )
  })

  it('--json carries the missing step and the command that fixes it', async () => {
    const result = await world.run(['describe', 'admin', '--json'])
    expect(result.code, result.stderr).to.equal(0)
    const described = (JSON.parse(result.stdout) as {result: ChainDescription}).result
    expect(described.chain.map((step) => [step.action, step.profile, step.outcome])).to.deep.equal([
      ['missing', 'alice', 'missing'],
      ['GetSessionToken', 'alice', 'call'],
      ['AssumeRole', 'admin', 'call'],
    ])
    expect(described.missing_credentials).to.deep.equal([{fix: 'vault add alice', profile: 'alice'}])
  })

  it('exec still refuses, naming the profile without keys', async () => {
    const result = await world.run(['exec', 'admin', '--', 'true'])
    expect(result.code).to.not.equal(0)
    expect(result.stderr.split('\n')[0]).to.match(/^vault: no credentials stored for profile "alice"/)
    expect(world.aws.calls).to.deep.equal([])
  })
})
