import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  ExpiredTokenException,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  InvalidIdentityTokenException,
  STSServiceException,
} from '@aws-sdk/client-sts'
import {GetUserCommand} from '@aws-sdk/client-iam'
import {expect} from 'chai'
import {fromStsCredentials, iam, rejection, sts, type ClientCredentials} from './clients.ts'
import {startEmulator, type Emulator} from './index.ts'

const ACCOUNT = '123456789012'
const CHAINING_TEXT = 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'

describe('emulator: STS', () => {
  let aws: Emulator
  let alice: ClientCredentials
  let serial: string

  beforeEach(async () => {
    aws = await startEmulator({
      users: [
        {name: 'alice', mfa: true},
        {name: 'bob', path: '/engineering/'},
      ],
      roles: [
        {name: 'admin', path: '/ops/', maxSessionDuration: 7200},
        {name: 'guarded', trust: {principals: [`arn:aws:iam::${ACCOUNT}:user/alice`], mfaRequired: true}},
        {name: 'vendor', trust: {principals: [ACCOUNT], externalId: 'ext-1234'}},
        {name: 'bobs', trust: {principals: [`arn:aws:iam::${ACCOUNT}:user/engineering/bob`]}},
      ],
    })
    alice = aws.credentials('alice')
    serial = aws.user('alice').mfaSerial!
  })

  afterEach(() => aws.stop())

  const sessionToken = async (params: {DurationSeconds?: number; mfa?: boolean} = {}): Promise<ClientCredentials> => {
    const mfa = params.mfa ? {SerialNumber: serial, TokenCode: aws.totp(serial)} : {}
    const {Credentials} = await sts(aws, alice).send(new GetSessionTokenCommand({DurationSeconds: params.DurationSeconds, ...mfa}))
    return fromStsCredentials(Credentials)
  }

  const assume = async (credentials: ClientCredentials, role: string, extra: Record<string, unknown> = {}) =>
    sts(aws, credentials).send(new AssumeRoleCommand({RoleArn: aws.role(role).arn, RoleSessionName: 'session', ...extra}))

  describe('GetSessionToken', () => {
    it('issues ASIA keys expiring after the requested duration, marked with MFA', async () => {
      const before = aws.now().getTime()
      const {Credentials} = await sts(aws, alice).send(
        new GetSessionTokenCommand({DurationSeconds: 3600, SerialNumber: serial, TokenCode: aws.totp(serial)}),
      )
      expect(Credentials?.AccessKeyId).to.match(/^ASIA[A-Z2-7]{16}$/)
      expect(Credentials?.Expiration?.getTime()).to.be.within(before + 3600_000 - 1000, aws.now().getTime() + 3600_000)
      expect(aws.session(Credentials!.AccessKeyId!)?.mfa).to.equal(true)
    })

    it('defaults to 12 hours and accepts up to 36', async () => {
      const byDefault = await sts(aws, alice).send(new GetSessionTokenCommand({}))
      const longest = await sts(aws, alice).send(new GetSessionTokenCommand({DurationSeconds: 129600}))
      const lifetime = (expiration: Date | undefined) => Math.round((expiration!.getTime() - aws.now().getTime()) / 3600_000)
      expect(lifetime(byDefault.Credentials?.Expiration)).to.equal(12)
      expect(lifetime(longest.Credentials?.Expiration)).to.equal(36)
    })

    it('refuses durations outside 900 s to 36 h with the validation text', async () => {
      const short = await rejection(sts(aws, alice).send(new GetSessionTokenCommand({DurationSeconds: 899})))
      const long = await rejection(sts(aws, alice).send(new GetSessionTokenCommand({DurationSeconds: 129601})))
      expect(short.name).to.equal('ValidationError')
      expect(short.message).to.equal(
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      )
      expect(long.message).to.equal(
        "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
      )
    })

    it('refuses an MFA code already used, then accepts the next one', async () => {
      const code = aws.totp(serial)
      await sts(aws, alice).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: code}))
      const reused = await rejection(sts(aws, alice).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: code})))
      expect(reused).to.be.instanceOf(STSServiceException)
      expect(reused.name).to.equal('AccessDenied')
      expect(reused.$metadata?.httpStatusCode).to.equal(403)
      expect(reused.message).to.equal('MultiFactorAuthentication failed with invalid MFA one time pass code.')
      await sts(aws, alice).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: aws.totp(serial)}))
      expect(aws.callsOf('GetSessionToken').map((call) => call.outcome.status)).to.deep.equal([200, 403, 200])
    })

    it('refuses a wrong code and a device that is not the caller’s', async () => {
      const code = aws.totp(serial)
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
      const wrongCode = await rejection(sts(aws, alice).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: wrong})))
      expect(wrongCode.message).to.equal('MultiFactorAuthentication failed with invalid MFA one time pass code.')
      const otherDevice = await rejection(
        sts(aws, aws.credentials('bob')).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: code})),
      )
      expect(otherDevice.name).to.equal('AccessDenied')
      expect(otherDevice.message).to.equal(
        'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
      )
    })

    it('never keeps the MFA code in the call log', async () => {
      const code = aws.totp(serial)
      await sts(aws, alice).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: code}))
      expect(JSON.stringify(aws.calls)).to.not.contain(code)
      expect(aws.callsOf('GetSessionToken')[0]?.params).to.deep.include({SerialNumber: serial, TokenCode: '[redacted]'})
    })

    it('is refused to temporary credentials', async () => {
      const error = await rejection(sts(aws, await sessionToken()).send(new GetSessionTokenCommand({})))
      expect(error.name).to.equal('AccessDenied')
      expect(error.message).to.equal('Cannot call GetSessionToken with session credentials')
    })
  })

  describe('AssumeRole', () => {
    it('caps role chaining at one hour with AWS’s text, from session-token and role credentials alike', async () => {
      const session = await sessionToken()
      const fromSession = await rejection(assume(session, 'admin', {DurationSeconds: 3601}))
      expect(fromSession.name).to.equal('ValidationError')
      expect(fromSession.$metadata?.httpStatusCode).to.equal(400)
      expect(fromSession.message).to.equal(CHAINING_TEXT)
      const roleSession = fromStsCredentials((await assume(session, 'admin', {DurationSeconds: 3600})).Credentials)
      const fromRole = await rejection(assume(roleSession, 'admin', {DurationSeconds: 7200}))
      expect(fromRole.message).to.equal(CHAINING_TEXT)
    })

    it('allows long-term keys up to MaxSessionDuration and refuses more with AWS’s text', async () => {
      const before = aws.now().getTime()
      const {Credentials} = await assume(alice, 'admin', {DurationSeconds: 7200})
      expect(Credentials?.Expiration?.getTime()).to.be.within(before + 7200_000 - 1000, aws.now().getTime() + 7200_000)
      const error = await rejection(assume(alice, 'admin', {DurationSeconds: 7201}))
      expect(error.name).to.equal('ValidationError')
      expect(error.message).to.equal('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.')
    })

    it('validates RoleSessionName against AWS’s pattern', async () => {
      const error = await rejection(assume(alice, 'admin', {RoleSessionName: 'alice/laptop'}))
      expect(error.name).to.equal('ValidationError')
      expect(error.message).to.equal(
        "1 validation error detected: Value 'alice/laptop' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      )
      const tooLong = await rejection(assume(alice, 'admin', {RoleSessionName: 'a'.repeat(65)}))
      expect(tooLong.message).to.match(/Member must have length less than or equal to 64$/)
    })

    it('formats assumed-role ARNs without the role path, and AROA user ids with the session name', async () => {
      const {AssumedRoleUser, Credentials} = await assume(alice, 'admin', {RoleSessionName: 'alice@example.com'})
      const role = aws.role('admin')
      expect(role.arn).to.equal(`arn:aws:iam::${ACCOUNT}:role/ops/admin`)
      expect(AssumedRoleUser).to.deep.equal({
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/alice@example.com`,
        AssumedRoleId: `${role.roleId}:alice@example.com`,
      })
      expect(role.roleId).to.match(/^AROA[A-Z2-7]{17}$/)
      const identity = await sts(aws, fromStsCredentials(Credentials)).send(new GetCallerIdentityCommand({}))
      expect(identity).to.deep.include({Account: ACCOUNT, Arn: AssumedRoleUser?.Arn, UserId: AssumedRoleUser?.AssumedRoleId})
    })

    it('requires MFA where the trust policy does: in the request or in the calling session', async () => {
      const denied = await rejection(assume(alice, 'guarded'))
      expect(denied.name).to.equal('AccessDenied')
      expect(denied.message).to.equal(
        `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${aws.role('guarded').arn}`,
      )
      await assume(alice, 'guarded', {SerialNumber: serial, TokenCode: aws.totp(serial)})
      await assume(await sessionToken({mfa: true}), 'guarded')
      const withoutMfa = await rejection(assume(await sessionToken(), 'guarded'))
      expect(withoutMfa.name).to.equal('AccessDenied')
    })

    it('refuses principals the trust policy does not name', async () => {
      await assume(aws.credentials('bob'), 'bobs')
      const error = await rejection(assume(alice, 'bobs'))
      expect(error.message).to.contain('is not authorized to perform: sts:AssumeRole')
    })

    it('requires the external id the trust policy names', async () => {
      const missing = await rejection(assume(alice, 'vendor'))
      const wrong = await rejection(assume(alice, 'vendor', {ExternalId: 'ext-9999'}))
      expect([missing.name, wrong.name]).to.deep.equal(['AccessDenied', 'AccessDenied'])
      await assume(alice, 'vendor', {ExternalId: 'ext-1234'})
    })

    it('refuses an unknown role as not authorized, not as missing', async () => {
      const error = await rejection(
        sts(aws, alice).send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCOUNT}:role/none`, RoleSessionName: 'session'})),
      )
      expect(error.name).to.equal('AccessDenied')
    })

    it('echoes SourceIdentity; tags stay out of GetCallerIdentity but show in the caller’s session context', async () => {
      const result = await assume(alice, 'admin', {
        Tags: [
          {Key: 'team', Value: 'platform'},
          {Key: 'ticket', Value: 'OPS-1'},
        ],
        TransitiveTagKeys: ['team'],
        SourceIdentity: 'alice',
      })
      expect(result.SourceIdentity).to.equal('alice')
      expect(result.PackedPolicySize).to.be.a('number')
      const roleCredentials = fromStsCredentials(result.Credentials)
      const identity = await sts(aws, roleCredentials).send(new GetCallerIdentityCommand({}))
      expect(
        Object.keys(identity)
          .filter((key) => key !== '$metadata')
          .sort(),
      ).to.deep.equal(['Account', 'Arn', 'UserId'])
      const [call] = aws.callsOf('GetCallerIdentity')
      expect(call?.principal).to.deep.include({
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/session`,
        tags: {team: 'platform', ticket: 'OPS-1'},
        transitiveTagKeys: ['team'],
        sourceIdentity: 'alice',
      })
      expect(aws.callsOf('AssumeRole')[0]?.params).to.deep.include({'Tags.member.1.Key': 'team', SourceIdentity: 'alice'})

      // Chaining carries transitive tags and the source identity, and drops the rest.
      const chained = await assume(roleCredentials, 'admin', {RoleSessionName: 'second'})
      expect(chained.SourceIdentity).to.equal('alice')
      expect(aws.session(chained.Credentials!.AccessKeyId!)).to.deep.include({
        tags: {team: 'platform'},
        sourceIdentity: 'alice',
        chained: true,
      })
    })
  })

  describe('GetFederationToken', () => {
    it('issues federated-user credentials with AWS’s ARN and user id formats', async () => {
      const {FederatedUser, Credentials} = await sts(aws, alice).send(new GetFederationTokenCommand({Name: 'alice-console'}))
      expect(FederatedUser).to.deep.equal({
        Arn: `arn:aws:sts::${ACCOUNT}:federated-user/alice-console`,
        FederatedUserId: `${ACCOUNT}:alice-console`,
      })
      const credentials = fromStsCredentials(Credentials)
      const identity = await sts(aws, credentials).send(new GetCallerIdentityCommand({}))
      expect(identity).to.deep.include({Arn: FederatedUser?.Arn, UserId: `${ACCOUNT}:alice-console`})
      const iamError = await rejection(iam(aws, credentials).send(new GetUserCommand({})))
      expect(iamError.name).to.equal('InvalidClientTokenId')
    })

    it('is for IAM users only', async () => {
      const error = await rejection(sts(aws, await sessionToken()).send(new GetFederationTokenCommand({Name: 'someone'})))
      expect(error.message).to.equal('Cannot call GetFederationToken with session credentials')
    })
  })

  describe('GetCallerIdentity', () => {
    it('shows user ARNs with their path and AIDA user ids', async () => {
      const identity = await sts(aws, aws.credentials('bob')).send(new GetCallerIdentityCommand({}))
      expect(identity.Arn).to.equal(`arn:aws:iam::${ACCOUNT}:user/engineering/bob`)
      expect(identity.UserId).to.match(/^AIDA[A-Z2-7]{17}$/)
      expect(identity.UserId).to.equal(aws.user('bob').userId)
    })
  })

  describe('AssumeRoleWithWebIdentity', () => {
    const issuer = 'https://token.actions.example.com'

    beforeEach(() => {
      aws.seed({
        oidcProviders: [{url: issuer, clientIds: ['sts.amazonaws.com']}],
        roles: [{name: 'ci', trust: {federated: [`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.example.com`]}}],
      })
    })

    const withToken = (token: string, role = 'ci') =>
      sts(aws).send(
        new AssumeRoleWithWebIdentityCommand({RoleArn: aws.role(role).arn, RoleSessionName: 'build-42', WebIdentityToken: token}),
      )

    it('exchanges a token from a trusted issuer for role credentials, without a signature', async () => {
      const result = await withToken(aws.webIdentityToken({issuer, subject: 'repo:acme/app:ref:refs/heads/main'}))
      expect(result.SubjectFromWebIdentityToken).to.equal('repo:acme/app:ref:refs/heads/main')
      expect(result.Audience).to.equal('sts.amazonaws.com')
      expect(result.Provider).to.equal(issuer)
      expect(result.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${ACCOUNT}:assumed-role/ci/build-42`)
      const [call] = aws.callsOf('AssumeRoleWithWebIdentity')
      expect(call?.params.WebIdentityToken).to.equal('[redacted]')
    })

    it('checks the audience and the issuer', async () => {
      const audience = await rejection(withToken(aws.webIdentityToken({issuer, audience: 'someone-else'})))
      expect(audience).to.be.instanceOf(InvalidIdentityTokenException)
      expect(audience.message).to.equal('Incorrect token audience')
      const stranger = await rejection(withToken(aws.webIdentityToken({issuer: 'https://stranger.example.com'})))
      expect(stranger).to.be.instanceOf(InvalidIdentityTokenException)
      expect(stranger.message).to.equal('No OpenIDConnect provider found in your account for https://stranger.example.com')
    })

    it('refuses a forged signature and an expired token', async () => {
      const [header, payload] = aws.webIdentityToken({issuer}).split('.')
      const forged = await rejection(withToken(`${header}.${payload}.${Buffer.from('forged').toString('base64url')}`))
      expect(forged).to.be.instanceOf(InvalidIdentityTokenException)
      const expired = await rejection(withToken(aws.webIdentityToken({issuer, expiresIn: -10})))
      expect(expired).to.be.instanceOf(ExpiredTokenException)
      expect(expired.message).to.match(/^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/)
    })

    it('refuses roles whose trust policy does not name the provider', async () => {
      const error = await rejection(withToken(aws.webIdentityToken({issuer}), 'admin'))
      expect(error.name).to.equal('AccessDenied')
      expect(error.message).to.equal('Not authorized to perform sts:AssumeRoleWithWebIdentity')
    })
  })
})
