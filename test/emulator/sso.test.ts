import {GetCallerIdentityCommand, AssumeRoleCommand} from '@aws-sdk/client-sts'
import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  SSOServiceException,
  UnauthorizedException,
} from '@aws-sdk/client-sso'
import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  ExpiredTokenException,
  InvalidClientException,
  InvalidGrantException,
  RegisterClientCommand,
  SlowDownException,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc'
import {expect} from 'chai'
import {oidc, rejection, sso, sts} from './clients.ts'
import {startEmulator, type Emulator} from './index.ts'

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const START_URL = 'https://d-1234567890.awsapps.com/start'

describe('emulator: IAM Identity Center (SSO-OIDC and portal)', () => {
  let aws: Emulator

  beforeEach(async () => {
    aws = await startEmulator({
      sso: {
        userName: 'alice@example.com',
        accounts: [
          {accountId: '111111111111', accountName: 'dev', roles: ['AdministratorAccess', {name: 'ReadOnly', sessionDuration: 7200}]},
          {accountId: '222222222222', accountName: 'prod', roles: ['ReadOnly']},
        ],
      },
    })
  })

  afterEach(() => aws.stop())

  const register = (scopes?: string[]) => oidc(aws).send(new RegisterClientCommand({clientName: 'vault', clientType: 'public', scopes}))

  const startFlow = async (scopes?: string[]) => {
    const client = await register(scopes)
    const device = await oidc(aws).send(
      new StartDeviceAuthorizationCommand({clientId: client.clientId, clientSecret: client.clientSecret, startUrl: START_URL}),
    )
    const poll = () =>
      oidc(aws).send(
        new CreateTokenCommand({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          grantType: DEVICE_GRANT,
          deviceCode: device.deviceCode,
        }),
      )
    return {client, device, poll}
  }

  describe('device authorization', () => {
    it('stays pending until approved, then issues a bearer token', async () => {
      const {device, poll} = await startFlow()
      expect(device).to.deep.include({expiresIn: 600, interval: 1})
      expect(device.userCode).to.match(/^[A-Z]{4}-[A-Z]{4}$/)
      expect(device.verificationUriComplete).to.equal(`${aws.url}/device?user_code=${device.userCode}`)

      const pending = await rejection(poll())
      expect(pending).to.be.instanceOf(AuthorizationPendingException)
      expect(pending.$metadata?.httpStatusCode).to.equal(400)
      expect((pending as AuthorizationPendingException).error).to.equal('authorization_pending')

      aws.approveDevice(device.userCode)
      aws.advance(1)
      const token = await poll()
      expect(token.tokenType).to.equal('Bearer')
      expect(token.expiresIn).to.equal(28800)
      expect(token.accessToken).to.be.a('string')
      expect(token.refreshToken).to.equal(undefined)

      const redeemed = await rejection(poll())
      expect(redeemed).to.be.instanceOf(InvalidGrantException)
    })

    it('answers polling faster than the interval with SlowDownException', async () => {
      // A long interval keeps "too soon" true however slowly this machine runs.
      aws.seed({sso: {deviceInterval: 30}})
      const {device, poll} = await startFlow()
      expect(device.interval).to.equal(30)
      await rejection(poll())
      const tooSoon = await rejection(poll())
      expect(tooSoon).to.be.instanceOf(SlowDownException)
      expect((tooSoon as SlowDownException).error).to.equal('slow_down')
      aws.advance(30)
      expect(await rejection(poll())).to.be.instanceOf(AuthorizationPendingException)
    })

    it('expires the device code after expiresIn', async () => {
      const {poll} = await startFlow()
      aws.advance(600)
      const expired = await rejection(poll())
      expect(expired).to.be.instanceOf(ExpiredTokenException)
      expect((expired as ExpiredTokenException).error).to.equal('expired_token')
    })

    it('reports a denied request', async () => {
      const {poll} = await startFlow()
      aws.denyDevice()
      expect(await rejection(poll())).to.be.instanceOf(AccessDeniedException)
    })

    it('approves when the verification page is visited', async () => {
      const {device, poll} = await startFlow()
      expect(aws.pendingUserCodes()).to.deep.equal([device.userCode])
      const page = await fetch(device.verificationUriComplete!)
      expect(page.status).to.equal(200)
      expect(aws.pendingUserCodes()).to.deep.equal([])
      expect((await poll()).accessToken).to.be.a('string')
    })

    it('refuses a client secret that is not the registered one', async () => {
      const client = await register()
      const error = await rejection(
        oidc(aws).send(new StartDeviceAuthorizationCommand({clientId: client.clientId, clientSecret: 'wrong', startUrl: START_URL})),
      )
      expect(error).to.be.instanceOf(InvalidClientException)
      expect(error.$metadata?.httpStatusCode).to.equal(401)
    })

    it('issues refresh tokens to clients registered with scopes, rotating them on use', async () => {
      const {client, poll} = await startFlow(['sso:account:access'])
      aws.approveDevice()
      const first = await poll()
      expect(first.refreshToken).to.be.a('string')
      const refresh = (refreshToken: string) =>
        oidc(aws).send(
          new CreateTokenCommand({clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'refresh_token', refreshToken}),
        )
      const second = await refresh(first.refreshToken!)
      expect(second.accessToken).to.not.equal(first.accessToken)
      expect(second.refreshToken).to.not.equal(first.refreshToken)
      expect(await rejection(refresh(first.refreshToken!))).to.be.instanceOf(InvalidGrantException)
    })

    it('masks secrets in the call log', async () => {
      const {client, device, poll} = await startFlow()
      await rejection(poll())
      const serialized = JSON.stringify(aws.calls)
      for (const secret of [client.clientSecret!, device.deviceCode!]) expect(serialized).to.not.contain(secret)
      expect(aws.callsOf('CreateToken')[0]?.params).to.deep.include({clientId: client.clientId, deviceCode: '[redacted]'})
    })
  })

  describe('portal', () => {
    it('lists accounts and roles, with paging', async () => {
      const {accessToken} = aws.ssoAccessToken()
      const firstPage = await sso(aws).send(new ListAccountsCommand({accessToken, maxResults: 1}))
      expect(firstPage.accountList).to.deep.equal([
        {accountId: '111111111111', accountName: 'dev', emailAddress: 'aws+111111111111@example.com'},
      ])
      const secondPage = await sso(aws).send(new ListAccountsCommand({accessToken, nextToken: firstPage.nextToken}))
      expect(secondPage.accountList?.map((account) => account.accountName)).to.deep.equal(['prod'])
      expect(secondPage.nextToken).to.equal(undefined)
      const roles = await sso(aws).send(new ListAccountRolesCommand({accessToken, accountId: '111111111111'}))
      expect(roles.roleList).to.deep.equal([
        {roleName: 'AdministratorAccess', accountId: '111111111111'},
        {roleName: 'ReadOnly', accountId: '111111111111'},
      ])
    })

    it('hands out role credentials that STS knows as the Identity Center role', async () => {
      const {accessToken} = aws.ssoAccessToken()
      const before = aws.now().getTime()
      const {roleCredentials} = await sso(aws).send(
        new GetRoleCredentialsCommand({accessToken, accountId: '111111111111', roleName: 'ReadOnly'}),
      )
      expect(roleCredentials?.accessKeyId).to.match(/^ASIA/)
      // Milliseconds since the epoch, unlike STS's timestamps.
      expect(roleCredentials?.expiration).to.be.within(before + 7200_000, aws.now().getTime() + 7200_000)
      const credentials = {
        accessKeyId: roleCredentials!.accessKeyId!,
        secretAccessKey: roleCredentials!.secretAccessKey!,
        sessionToken: roleCredentials!.sessionToken!,
      }
      const identity = await sts(aws, credentials).send(new GetCallerIdentityCommand({}))
      expect(identity.Arn).to.match(/^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_ReadOnly_[0-9a-f]{16}\/alice@example\.com$/)
      const chained = await rejection(
        sts(aws, credentials).send(
          new AssumeRoleCommand({RoleArn: 'arn:aws:iam::111111111111:role/x', RoleSessionName: 's', DurationSeconds: 7200}),
        ),
      )
      expect(chained.name).to.equal('ValidationError')
    })

    it('refuses an unknown or expired token with UnauthorizedException (401), and roles not assigned with ForbiddenException', async () => {
      const unknown = await rejection(sso(aws).send(new ListAccountsCommand({accessToken: 'not-a-token'})))
      expect(unknown).to.be.instanceOf(UnauthorizedException)
      expect(unknown.$metadata?.httpStatusCode).to.equal(401)
      expect(unknown.message).to.equal('Session token not found or invalid')

      const {accessToken} = aws.ssoAccessToken()
      const forbidden = await rejection(
        sso(aws).send(new GetRoleCredentialsCommand({accessToken, accountId: '222222222222', roleName: 'AdministratorAccess'})),
      )
      expect(forbidden).to.be.instanceOf(SSOServiceException)
      expect(forbidden.name).to.equal('ForbiddenException')
      expect(forbidden.message).to.equal('No access')

      aws.advance(28800)
      expect(await rejection(sso(aws).send(new ListAccountsCommand({accessToken})))).to.be.instanceOf(UnauthorizedException)
    })

    it('invalidates the token on Logout', async () => {
      const {accessToken} = aws.ssoAccessToken()
      await sso(aws).send(new LogoutCommand({accessToken}))
      expect(await rejection(sso(aws).send(new ListAccountsCommand({accessToken})))).to.be.instanceOf(UnauthorizedException)
      expect(JSON.stringify(aws.calls)).to.not.contain(accessToken)
    })
  })
})
