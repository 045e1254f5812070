import {expect} from 'chai'

import type {Emulator} from '../helpers/emulator.ts'
import type {ChainDescription} from '../../src/lib/providers/describe.ts'
import {ChainWorld} from './chain-helpers.ts'

const config = (aws: Emulator) => `
[default]
region = eu-west-1

[profile alice]
mfa_serial = ${aws.user('alice').mfaSerial}

[profile base]
mfa_serial = ${aws.user('alice').mfaSerial}
sts_regional_endpoints = legacy
output = json
aws_secret_access_key = NEVER-PRINT-THIS-SECRET

[profile admin]
include_profile = base
source_profile = alice
role_arn = ${aws.role('admin').arn}

[profile deep]
source_profile = admin
role_arn = ${aws.role('second').arn}
duration_seconds = 7200
role_session_name = deep-work
`

const seed = {
  roles: [{name: 'admin'}, {maxSessionDuration: 7200, name: 'second'}],
  users: [{mfa: true, name: 'alice'}],
}

describe('vault describe (built binary)', function () {
  this.timeout(60_000)
  let world: ChainWorld

  beforeEach(async () => {
    world = await ChainWorld.start(seed, config, ['alice'])
  })

  afterEach(() => world.stop())

  async function describeJson(profile: string, flags: string[] = []): Promise<ChainDescription> {
    const result = await world.run(['describe', profile, '--json', ...flags])
    expect(result.code, result.stderr).to.equal(0)
    return (JSON.parse(result.stdout) as {result: ChainDescription}).result
  }

  it('a cold chain: every step would call STS, one MFA code, the chained role capped; no AWS call made', async () => {
    const description = await describeJson('deep')
    expect(description.chain.map((step) => [step.action, step.profile, step.outcome])).to.deep.equal([
      ['stored_credentials', 'alice', 'read-stored-keys'],
      ['GetSessionToken', 'alice', 'call'],
      ['AssumeRole', 'admin', 'call'],
      ['AssumeRole', 'deep', 'call'],
    ])
    expect(description.chain[1]).to.deep.include({duration_seconds: 28800, mfa: 'code', mfa_serial: world.serial('alice')})
    expect(description.chain[2]).to.deep.include({mfa: 'chained'})
    expect(description.chain[3]).to.deep.include({duration_seconds: 3600, requested_duration_seconds: 7200, role_session_name: 'deep-work'})
    expect(description.mfa_prompts).to.deep.equal([world.serial('alice')])
    expect(description.notes).not.to.include('profile deep has no region: its STS calls go to us-east-1')
    expect(world.aws.calls).to.deep.equal([])
  })

  it('after a run: which cached session would be reused and for how long, and what is then not needed', async () => {
    await world.credentials('admin', ['--mfa-token', world.aws.totp(world.serial('alice'))])
    const description = await describeJson('deep')
    expect(description.chain.map((step) => step.outcome)).to.deep.equal(['not-needed', 'not-needed', 'reuse-cached-session', 'call'])
    const admin = description.chain[2]!
    expect(admin.session).to.deep.include({cached: true, profile: 'admin', reusable: true, type: 'sts.AssumeRole'})
    expect(admin.session!.remaining_seconds).to.be.within(3600 - 120, 3600)
    expect(admin.summary).to.match(/^reuses the cached sts\.AssumeRole session \(\d+m\d+s left\)$/)
    expect(description.mfa_prompts).to.deep.equal([])
  })

  it('AWS_MIN_TTL decides whether a cached session counts', async () => {
    await world.credentials('admin', ['--mfa-token', world.aws.totp(world.serial('alice'))])
    const description = await world.run(['describe', 'admin', '--json'], {AWS_MIN_TTL: '2h'})
    const chain = (JSON.parse(description.stdout) as {result: ChainDescription}).result.chain
    expect(chain.map((step) => step.outcome)).to.deep.equal(['not-needed', 'reuse-cached-session', 'call'])
    expect(chain[2]!.session).to.deep.include({cached: true, reusable: false})
  })

  it('the resolved profile with origins, in aws-vault key names', async () => {
    const {profile, source_profiles} = await describeJson('admin')
    expect(profile.config.region).to.deep.equal({from: '[default] line 3', origin: 'default', value: 'eu-west-1'})
    expect(profile.config.mfa_serial).to.deep.include({origin: 'include_profile', value: world.serial('alice')})
    expect(profile.config.sts_regional_endpoints).to.deep.include({origin: 'include_profile', value: 'legacy'})
    expect(profile.config.role_arn).to.deep.include({origin: 'profile'})
    expect(profile.config.duration_seconds).to.deep.include({origin: 'builtin', value: 3600})
    expect(source_profiles.map((source) => source.profile)).to.deep.equal(['alice'])
  })

  it('flags and environment show as their origin, and change the chain as exec would', async () => {
    const description = await world.run(['describe', 'admin', '--json', '--duration', '2h', '--region', 'ap-south-1'], {
      AWS_MFA_SERIAL: world.serial('alice'),
    })
    const {chain, profile} = (JSON.parse(description.stdout) as {result: ChainDescription}).result
    expect(profile.config.region).to.deep.include({from: '--region', origin: 'flag'})
    expect(profile.config.mfa_serial).to.deep.include({from: 'AWS_MFA_SERIAL', origin: 'env'})
    expect(chain.map((step) => `${step.action} ${step.duration_seconds ?? ''}`.trim())).to.deep.equal([
      'stored_credentials',
      'AssumeRole 7200',
    ])
    expect(chain[1]).to.deep.include({mfa: 'code', region: 'ap-south-1'})
  })

  it('says when STS falls back to us-east-1', async () => {
    world.sandbox.writeConfig(config(world.aws).replace('[default]\nregion = eu-west-1\n', ''))
    const {notes} = await describeJson('deep')
    expect(notes).to.include.members([
      'profile alice has no region: its STS calls go to us-east-1',
      'profile deep has no region: its STS calls go to us-east-1',
    ])
  })

  it('never prints the values of secret-looking keys', async () => {
    for (const flags of [['--json'], []]) {
      const result = await world.run(['describe', 'admin', ...flags])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).not.to.include('NEVER-PRINT-THIS-SECRET')
      expect(result.stdout).to.include('aws_secret_access_key')
    }
  })

  it('human output: the settings, the chain and the MFA it would ask for', async () => {
    const result = await world.run(['describe', 'deep'])
    expect(result.stdout).to.match(/^Profile deep\n/)
    expect(result.stdout).to.include('Source profile admin')
    expect(result.stdout).to.match(
      / {2}4\. +AssumeRole +deep +calls AssumeRole \S+role\/second for 1h0m0s \(capped from 2h0m0s: role chaining\)/,
    )
    expect(result.stdout).to.include(`MFA: asks for a code of ${world.serial('alice')}`)
  })
})
