import {AssumeRoleCommand, GetFederationTokenCommand, GetSessionTokenCommand} from '@aws-sdk/client-sts'
import {expect} from 'chai'
import {fromStsCredentials, sts, type ClientCredentials} from './clients.ts'
import {startEmulator, type Emulator} from './index.ts'

const ACCOUNT = '123456789012'

describe('emulator: console federation', () => {
  let aws: Emulator

  beforeEach(async () => {
    aws = await startEmulator({users: [{name: 'alice'}], roles: [{name: 'admin'}]})
  })

  afterEach(() => aws.stop())

  const signinToken = async (credentials: ClientCredentials, sessionDuration?: number) => {
    const session = JSON.stringify({
      sessionId: credentials.accessKeyId,
      sessionKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    })
    const query = new URLSearchParams({Action: 'getSigninToken', Session: session})
    if (sessionDuration !== undefined) query.set('SessionDuration', String(sessionDuration))
    const response = await fetch(`${aws.federationUrl}?${query}`)
    return {status: response.status, body: await response.text()}
  }

  const roleCredentials = async (from: ClientCredentials) =>
    fromStsCredentials(
      (await sts(aws, from).send(new AssumeRoleCommand({RoleArn: aws.role('admin').arn, RoleSessionName: 'console'}))).Credentials,
    )

  it('issues a SigninToken for role credentials, and a login URL carrying it signs in', async () => {
    const {status, body} = await signinToken(await roleCredentials(aws.credentials('alice')), 43200)
    expect(status).to.equal(200)
    const {SigninToken} = JSON.parse(body) as {SigninToken: string}
    expect(SigninToken).to.be.a('string')

    const destination = 'https://console.aws.amazon.com/'
    const login = `${aws.federationUrl}?${new URLSearchParams({Action: 'login', Issuer: 'vault', Destination: destination, SigninToken})}`
    expect(aws.verifyLoginUrl(login)).to.deep.include({
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/console`,
      destination,
      issuer: 'vault',
      sessionDuration: 43200,
    })
    const response = await fetch(login, {redirect: 'manual'})
    expect(response.status).to.equal(302)
    expect(response.headers.get('location')).to.equal(destination)
    expect(aws.callsOf('getSigninToken')[0]?.params.Session).to.equal('[redacted]')
    expect(JSON.stringify(aws.calls)).to.not.contain(SigninToken)
  })

  it('accepts GetFederationToken credentials', async () => {
    const {Credentials} = await sts(aws, aws.credentials('alice')).send(new GetFederationTokenCommand({Name: 'alice'}))
    const {body} = await signinToken(fromStsCredentials(Credentials))
    const {SigninToken} = JSON.parse(body) as {SigninToken: string}
    const login = aws.verifyLoginUrl(`${aws.federationUrl}?Action=login&SigninToken=${encodeURIComponent(SigninToken)}`)
    expect(login.arn).to.equal(`arn:aws:sts::${ACCOUNT}:federated-user/alice`)
  })

  it('refuses a SessionDuration outside 900 s to 12 h', async () => {
    const role = await roleCredentials(aws.credentials('alice'))
    expect((await signinToken(role, 899)).status).to.equal(400)
    expect((await signinToken(role, 43201)).status).to.equal(400)
  })

  it('refuses GetSessionToken credentials, wrong secrets and expired credentials', async () => {
    const session = fromStsCredentials((await sts(aws, aws.credentials('alice')).send(new GetSessionTokenCommand({}))).Credentials)
    expect((await signinToken(session)).status).to.equal(400)
    const role = await roleCredentials(aws.credentials('alice'))
    expect((await signinToken({...role, secretAccessKey: 'wrong'})).status).to.equal(400)
    aws.advance(3600)
    expect((await signinToken(role)).status).to.equal(400)
    expect(aws.callsOf('getSigninToken').map((call) => call.outcome.status)).to.deep.equal([400, 400, 400])
  })

  it('refuses SessionDuration with credentials from role chaining', async () => {
    const session = fromStsCredentials((await sts(aws, aws.credentials('alice')).send(new GetSessionTokenCommand({}))).Credentials)
    const chained = await roleCredentials(session)
    expect((await signinToken(chained, 3600)).status).to.equal(400)
    expect((await signinToken(chained)).status).to.equal(200)
  })

  it('rejects login URLs with an unknown or stale token', async () => {
    const {body} = await signinToken(await roleCredentials(aws.credentials('alice')))
    const {SigninToken} = JSON.parse(body) as {SigninToken: string}
    expect(() => aws.verifyLoginUrl(`${aws.federationUrl}?Action=login&SigninToken=forged`)).to.throw(/invalid or expired SigninToken/)
    aws.advance(15 * 60)
    const stale = `${aws.federationUrl}?Action=login&SigninToken=${encodeURIComponent(SigninToken)}`
    expect(() => aws.verifyLoginUrl(stale)).to.throw(/invalid or expired SigninToken/)
    expect((await fetch(stale, {redirect: 'manual'})).status).to.equal(400)
  })
})
