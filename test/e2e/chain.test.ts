import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'

import {vaultBin} from '../helpers/cli.ts'

import type {Emulator, Seed} from '../helpers/emulator.ts'
import {ChainWorld, parseEnv} from './chain-helpers.ts'

const ACCOUNT = '123456789012'
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`
const SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/alice`

const seed: Seed = {
  roles: [
    {name: 'readonly'},
    {name: 'admin', trust: {mfaRequired: true}},
    {maxSessionDuration: 7200, name: 'long', trust: {mfaRequired: true}},
    {maxSessionDuration: 7200, name: 'second'},
  ],
  users: [{mfa: true, name: 'alice'}, {name: 'bob'}],
}

const config = (aws: Emulator) => `
[profile alice]
region = eu-west-1
mfa_serial = ${aws.user('alice').mfaSerial}

[profile bob]
region = eu-west-1

[profile bob-noregion]

[profile readonly]
source_profile = bob
role_arn = ${aws.role('readonly').arn}

[profile admin]
region = eu-west-1
source_profile = alice
role_arn = ${aws.role('admin').arn}
mfa_serial = ${aws.user('alice').mfaSerial}

[profile ops]
region = eu-west-1
source_profile = alice
role_arn = ${aws.role('readonly').arn}
mfa_serial = ${aws.user('alice').mfaSerial}

[profile long]
region = eu-west-1
source_profile = alice
role_arn = ${aws.role('long').arn}
mfa_serial = ${aws.user('alice').mfaSerial}

[profile second]
region = eu-west-1
source_profile = admin
role_arn = ${aws.role('second').arn}
mfa_serial = ${aws.user('alice').mfaSerial}
duration_seconds = 7200

[profile needs-mfa]
region = eu-west-1
source_profile = bob
role_arn = ${aws.role('admin').arn}

[profile base]
region = ap-southeast-2
mfa_serial = ${aws.user('alice').mfaSerial}

[profile included]
include_profile = base
source_profile = alice
role_arn = ${aws.role('admin').arn}
`

const keysOf = (user: string) => `keys of ${user}`

describe('credential chains against the emulator (built binary)', function () {
  this.timeout(60_000)
  let world: ChainWorld

  beforeEach(async () => {
    world = await ChainWorld.start(seed, config, ['alice', 'bob'])
  })

  afterEach(() => world.stop())

  describe('the chain table: exact STS calls and the identity they give', () => {
    it('user: GetSessionToken for an hour with the stored keys', async () => {
      const credentials = await world.credentials('bob')
      expect(world.stsCalls()).to.deep.equal([{action: 'GetSessionToken', by: keysOf('bob'), params: {DurationSeconds: '3600'}}])
      expect(await world.identity(credentials)).to.equal(`arn:aws:iam::${ACCOUNT}:user/bob`)
      expect(credentials.SessionToken).to.be.a('string')
    })

    it('user with MFA: GetSessionToken carries the serial and --mfa-token', async () => {
      const credentials = await world.credentials('alice', ['--mfa-token', world.aws.totp(SERIAL)])
      expect(world.stsCalls()).to.deep.equal([
        {action: 'GetSessionToken', by: keysOf('alice'), params: {DurationSeconds: '3600', SerialNumber: SERIAL}},
      ])
      expect(await world.identity(credentials)).to.equal(`arn:aws:iam::${ACCOUNT}:user/alice`)
      expect(world.aws.session(credentials.AccessKeyId)?.mfa).to.equal(true)
    })

    it('role without MFA: AssumeRole straight from the keys, no GetSessionToken', async () => {
      const credentials = await world.credentials('readonly')
      expect(world.stsCalls()).to.deep.equal([
        {action: 'AssumeRole', by: keysOf('bob'), params: {DurationSeconds: '3600', RoleArn: roleArn('readonly')}},
      ])
      expect(await world.identity(credentials)).to.match(new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/readonly/\\d{19}$`))
    })

    it("role with the source's MFA: GetSessionToken with MFA for 8h, then AssumeRole without a code", async () => {
      const credentials = await world.credentials('admin', ['--mfa-token', world.aws.totp(SERIAL)])
      expect(world.stsCalls()).to.deep.equal([
        {action: 'GetSessionToken', by: keysOf('alice'), params: {DurationSeconds: '28800', SerialNumber: SERIAL}},
        {action: 'AssumeRole', by: 'GetSessionToken session of alice', params: {DurationSeconds: '3600', RoleArn: roleArn('admin')}},
      ])
      expect(await world.identity(credentials)).to.match(/:assumed-role\/admin\/\d{19}$/)
      expect(world.aws.session(credentials.AccessKeyId)?.mfa).to.equal(true)
    })

    it('role with --duration 2h: no GetSessionToken, AssumeRole with MFA for two hours', async () => {
      const credentials = await world.credentials('long', ['--duration', '2h', '--mfa-token', world.aws.totp(SERIAL)])
      expect(world.stsCalls()).to.deep.equal([
        {action: 'AssumeRole', by: keysOf('alice'), params: {DurationSeconds: '7200', RoleArn: roleArn('long'), SerialNumber: SERIAL}},
      ])
      expect(await world.identity(credentials)).to.match(/:assumed-role\/long\//)
      const session = world.aws.session(credentials.AccessKeyId)!
      expect(session.expiresAt.getTime() - world.aws.now().getTime()).to.be.greaterThan(3600_000)
    })

    it('role → role: the second role is capped to one hour instead of failing', async () => {
      const credentials = await world.credentials('second', ['--mfa-token', world.aws.totp(SERIAL)])
      expect(world.stsCalls()).to.deep.equal([
        {action: 'GetSessionToken', by: keysOf('alice'), params: {DurationSeconds: '28800', SerialNumber: SERIAL}},
        {action: 'AssumeRole', by: 'GetSessionToken session of alice', params: {DurationSeconds: '3600', RoleArn: roleArn('admin')}},
        {action: 'AssumeRole', by: 'AssumeRole session of admin', params: {DurationSeconds: '3600', RoleArn: roleArn('second')}},
      ])
      expect(await world.identity(credentials)).to.match(/:assumed-role\/second\//)
      expect(world.aws.session(credentials.AccessKeyId)?.chained).to.equal(true)
    })

    it('include_profile: region and mfa_serial come from the included profile', async () => {
      const result = await world.run(['exec', 'included', '--mfa-token', world.aws.totp(SERIAL), '--', 'env'])
      expect(result.code, result.stderr).to.equal(0)
      expect(world.stsCalls()).to.deep.equal([
        {action: 'GetSessionToken', by: keysOf('alice'), params: {DurationSeconds: '28800', SerialNumber: SERIAL}},
        {action: 'AssumeRole', by: 'GetSessionToken session of alice', params: {DurationSeconds: '3600', RoleArn: roleArn('admin')}},
      ])
      const env = parseEnv(result.stdout)
      expect(env.AWS_REGION).to.equal('ap-southeast-2')
      expect(
        await world.identity({
          AccessKeyId: env.AWS_ACCESS_KEY_ID!,
          SecretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
          SessionToken: env.AWS_SESSION_TOKEN!,
          Version: 1,
        }),
      ).to.match(/:assumed-role\/admin\//)
    })

    it('--no-session: a user gets the stored keys, no STS call', async () => {
      const credentials = await world.credentials('bob', ['--no-session'])
      expect(world.stsCalls()).to.deep.equal([])
      expect(credentials.AccessKeyId).to.equal(world.aws.credentials('bob').accessKeyId)
      expect(credentials).not.to.have.property('SessionToken')
    })

    it('--no-session: a role is assumed from the keys with the MFA code', async () => {
      const credentials = await world.credentials('admin', ['--no-session', '--mfa-token', world.aws.totp(SERIAL)])
      expect(world.stsCalls()).to.deep.equal([
        {action: 'AssumeRole', by: keysOf('alice'), params: {DurationSeconds: '3600', RoleArn: roleArn('admin'), SerialNumber: SERIAL}},
      ])
      expect(await world.identity(credentials)).to.match(/:assumed-role\/admin\//)
    })
  })

  describe('sessions', () => {
    it('two roles sharing source and mfa_serial need one MFA code', async () => {
      await world.credentials('admin', ['--mfa-token', world.aws.totp(SERIAL)])
      // No --mfa-token and no terminal: asking for a code here would fail the run.
      const ops = await world.credentials('ops')
      expect(world.stsCalls()).to.deep.equal([
        {action: 'GetSessionToken', by: keysOf('alice'), params: {DurationSeconds: '28800', SerialNumber: SERIAL}},
        {action: 'AssumeRole', by: 'GetSessionToken session of alice', params: {DurationSeconds: '3600', RoleArn: roleArn('admin')}},
        {action: 'AssumeRole', by: 'GetSessionToken session of alice', params: {DurationSeconds: '3600', RoleArn: roleArn('readonly')}},
      ])
      expect(await world.identity(ops)).to.match(/:assumed-role\/readonly\//)
    })

    it('reuses cached role sessions, with or without MFA', async () => {
      const first = await world.credentials('admin', ['--mfa-token', world.aws.totp(SERIAL)])
      const firstReadonly = await world.credentials('readonly')
      const calls = world.stsCalls().length
      expect(await world.credentials('admin')).to.deep.equal(first)
      expect(await world.credentials('readonly')).to.deep.equal(firstReadonly)
      expect(world.stsCalls()).to.have.length(calls)
    })

    it('AWS_MIN_TTL: a session with less time left is renewed, the others reused', async () => {
      await world.credentials('admin', ['--mfa-token', world.aws.totp(SERIAL)])
      // The role session has one hour left, the MFA session eight: only the role is renewed.
      await world.credentials('admin', [], {AWS_MIN_TTL: '2h'})
      // Under the default of five minutes both are fresh.
      await world.credentials('admin')
      expect(world.stsCalls().map((call) => `${call.action} ${call.params.RoleArn ?? ''}`.trim())).to.deep.equal([
        'GetSessionToken',
        `AssumeRole ${roleArn('admin')}`,
        `AssumeRole ${roleArn('admin')}`,
      ])
    })

    it('AWS_MIN_TTL above the MFA session renews it with a new code', async () => {
      await world.credentials('alice', ['--mfa-token', world.aws.totp(SERIAL)])
      await world.credentials('alice', ['--mfa-token', world.freshCode('alice')], {AWS_MIN_TTL: '90m'})
      expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['GetSessionToken', 'GetSessionToken'])
    })
  })

  describe('vault exec environment', () => {
    it('sets AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION as aws-vault v7', async () => {
      const result = await world.run(['exec', 'admin', '--mfa-token', world.aws.totp(SERIAL), '--', 'env'])
      expect(result.code, result.stderr).to.equal(0)
      const env = parseEnv(result.stdout)
      const session = world.aws.session(env.AWS_ACCESS_KEY_ID!)!
      expect(env.AWS_SESSION_TOKEN).to.be.a('string').and.not.equal('')
      expect(env.AWS_CREDENTIAL_EXPIRATION).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(new Date(env.AWS_CREDENTIAL_EXPIRATION!).getTime()).to.equal(Math.floor(session.expiresAt.getTime() / 1000) * 1000)
      expect(env.AWS_VAULT).to.equal('admin')
      expect(env.AWS_REGION).to.equal('eu-west-1')
      expect(env.AWS_DEFAULT_REGION).to.equal('eu-west-1')
    })

    it('falls back to us-east-1 for STS when the profile has no region, with a notice', async () => {
      const bob = world.aws.credentials('bob')
      await world.sandbox.addKey('bob-noregion', bob.accessKeyId, bob.secretAccessKey)
      const result = await world.run(['exec', 'bob-noregion', '--', 'env'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.equal('vault: profile bob-noregion has no region: using us-east-1 for STS\n')
      expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['GetSessionToken'])
      expect(parseEnv(result.stdout)).not.to.have.property('AWS_REGION')
    })
  })

  describe('the real AWS CLI v2 with credential_process = vault exec <profile> --json', () => {
    it('calls the emulator as the role, with one MFA code for two CLI calls', async () => {
      const aws = world.aws
      // The CLI runs vault with its own environment: the sandbox's, which points vault at the emulator.
      world.sandbox.writeConfig(`${config(aws)}
[profile via-vault]
region = eu-west-1
credential_process = ${process.execPath} ${vaultBin} exec admin --json
`)
      const cli = (args: string[], extra: Record<string, string> = {}) =>
        promisify(execFile)('/usr/bin/aws', [...args, '--endpoint-url', aws.url, '--output', 'json'], {
          env: {
            ...world.sandbox.env({AWS_ENDPOINT_URL: aws.url, ...extra}),
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
            PATH: '/usr/bin:/bin',
          },
        })
      // The MFA session of alice, made once; the CLI's runs of vault reuse it (they could not ask for a code).
      await world.credentials('alice', ['--mfa-token', aws.totp(SERIAL)])
      const first = JSON.parse((await cli(['sts', 'get-caller-identity', '--profile', 'via-vault'])).stdout) as {Arn: string}
      const second = JSON.parse((await cli(['sts', 'get-caller-identity', '--profile', 'via-vault'])).stdout) as {Arn: string}
      expect(first.Arn).to.match(/:assumed-role\/admin\//)
      expect(second.Arn).to.equal(first.Arn)
      expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['GetSessionToken', 'AssumeRole'])
    })
  })

  describe('STS failures: one line and a hint', () => {
    function expectOneLine(stderr: string): string[] {
      const lines = stderr.trim().split('\n')
      expect(lines[0]).to.match(/^vault: /)
      for (const line of lines.slice(1)) expect(line).to.match(/^Try this: /)
      expect(stderr).not.to.match(/\n\s+at /)
      return lines
    }

    it('MaxSessionDuration: names the duration asked for and --duration', async () => {
      const result = await world.run(['exec', 'admin', '--duration', '2h', '--mfa-token', world.aws.totp(SERIAL), '--', 'true'])
      expect(result.code).to.equal(1)
      const lines = expectOneLine(result.stderr)
      expect(lines[0]).to.equal(
        `vault: AssumeRole ${roleArn('admin')} failed: the requested duration (2h) is longer than the role's MaxSessionDuration`,
      )
      expect(lines[1]).to.include('--duration 1h')
    })

    it('ExpiredToken: points at vault clear for the profile whose session signed the call', async () => {
      world.aws.fail('AssumeRole', 'ExpiredToken', 1)
      const result = await world.run(['exec', 'admin', '--mfa-token', world.aws.totp(SERIAL), '--', 'true'])
      expect(result.code).to.equal(1)
      const lines = expectOneLine(result.stderr)
      expect(lines[0]).to.match(/^vault: AssumeRole .* failed: the credentials it was called with have expired \(ExpiredToken\)$/)
      expect(lines[1]).to.include('`vault clear alice`')
    })

    it('a refused MFA code: says so without the code', async () => {
      const result = await world.run(['exec', 'alice', '--mfa-token', '000000', '--', 'true'])
      expect(result.code).to.equal(1)
      const lines = expectOneLine(result.stderr)
      expect(lines[0]).to.match(new RegExp(`^vault: GetSessionToken failed: the MFA code for ${SERIAL} was refused`))
      expect(result.stderr).not.to.include('000000')
    })

    it('a role that requires MFA, asked without: hints at mfa_serial', async () => {
      const result = await world.run(['exec', 'needs-mfa', '--', 'true'])
      expect(result.code).to.equal(1)
      const lines = expectOneLine(result.stderr)
      expect(lines[0]).to.match(new RegExp(`^vault: AssumeRole ${roleArn('admin')} failed: access denied \\(User: .* is not authorized`))
      expect(result.stderr).to.include('set mfa_serial in the profile')
    })
  })
})
