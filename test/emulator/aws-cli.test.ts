// The real AWS CLI v2 as a client: botocore's signer, parsers and error reporting against the emulator.
// Independent scenarios run concurrently (each CLI start costs most of a second); each test awaits its own.
import {GetSessionTokenCommand} from '@aws-sdk/client-sts'
import {RegisterClientCommand, StartDeviceAuthorizationCommand} from '@aws-sdk/client-sso-oidc'
import {expect} from 'chai'
import {AwsCli, type CliResult} from './aws-cli.ts'
import {fromStsCredentials, oidc, sts} from './clients.ts'
import {startEmulator, type Emulator} from './index.ts'

const ACCOUNT = '123456789012'

// Starts now, handled later: a rejection waits for its test instead of crashing the run.
const scenario = <T>(run: () => Promise<T>): Promise<T> => {
  const promise = run()
  promise.catch(() => {})
  return promise
}

describe('emulator: the AWS CLI v2 as client', function () {
  // Each CLI start costs most of a CPU-second; a loaded machine stretches that.
  this.timeout(60_000)
  let aws: Emulator
  let cli: AwsCli
  let scenarios: {
    identity: Promise<{good: CliResult; badSecret: CliResult}>
    mfa: Promise<{first: CliResult; reused: CliResult}>
    chaining: Promise<{chained: CliResult; keys: CliResult}>
    deviceCode: Promise<{pending: CliResult; accounts: CliResult}>
  }

  before(async () => {
    aws = await startEmulator({
      users: [{name: 'alice', mfa: true}],
      roles: [{name: 'admin', maxSessionDuration: 43200}],
      sso: {accounts: [{accountId: '111111111111', accountName: 'dev', roles: ['ReadOnly']}]},
    })
    cli = await AwsCli.create(aws.url)
    const alice = aws.credentials('alice')
    const serial = aws.user('alice').mfaSerial!

    scenarios = {
      identity: scenario(async () => {
        const [good, badSecret] = await Promise.all([
          cli.run(['sts', 'get-caller-identity'], {credentials: alice}),
          cli.run(['sts', 'get-caller-identity'], {credentials: {...alice, secretAccessKey: 'not-the-secret'}}),
        ])
        return {good, badSecret}
      }),
      mfa: scenario(async () => {
        const input = {SerialNumber: serial, TokenCode: aws.totp(serial), DurationSeconds: 3600}
        const first = await cli.run(['sts', 'get-session-token'], {credentials: alice, input})
        const reused = await cli.run(['sts', 'get-session-token'], {credentials: alice, input})
        return {first, reused}
      }),
      chaining: scenario(async () => {
        const session = fromStsCredentials((await sts(aws, alice).send(new GetSessionTokenCommand({}))).Credentials)
        const roleArn = aws.role('admin').arn
        const [chained, keys] = await Promise.all([
          cli.run(['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'cli', '--duration-seconds', '7200'], {
            credentials: session,
          }),
          cli.run(['iam', 'list-access-keys'], {credentials: alice}),
        ])
        return {chained, keys}
      }),
      deviceCode: scenario(async () => {
        const client = await oidc(aws).send(new RegisterClientCommand({clientName: 'cli-test', clientType: 'public'}))
        const device = await oidc(aws).send(
          new StartDeviceAuthorizationCommand({
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            startUrl: 'https://example.awsapps.com/start',
          }),
        )
        const input = {
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          grantType: 'urn:ietf:params:oauth:grant-type:device_code',
          deviceCode: device.deviceCode,
        }
        const {accessToken} = aws.ssoAccessToken()
        const [pending, accounts] = await Promise.all([
          cli.run(['sso-oidc', 'create-token'], {input}),
          cli.run(['sso', 'list-accounts'], {input: {accessToken}}),
        ])
        return {pending, accounts}
      }),
    }
  })

  after(async () => {
    await Promise.allSettled(Object.values(scenarios ?? {}))
    await cli?.dispose()
    await aws?.stop()
  })

  it('gets the caller identity with a botocore-signed request', async () => {
    const {good} = await scenarios.identity
    expect(good.code, good.stderr).to.equal(0)
    expect(good.json()).to.deep.equal({UserId: aws.user('alice').userId, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/alice`})
  })

  it('reports SignatureDoesNotMatch for a wrong secret', async () => {
    const {badSecret} = await scenarios.identity
    expect(badSecret.code).to.equal(254)
    expect(badSecret.stderr).to.contain(
      'An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: The request signature we calculated does not match the signature you provided.',
    )
  })

  it('gets a session token with MFA, and is refused the same code twice', async () => {
    const {first, reused} = await scenarios.mfa
    expect(first.code, first.stderr).to.equal(0)
    expect(String((first.json().Credentials as {AccessKeyId: string}).AccessKeyId)).to.match(/^ASIA/)
    expect(reused.code).to.equal(254)
    expect(reused.stderr).to.contain(
      'An error occurred (AccessDenied) when calling the GetSessionToken operation: MultiFactorAuthentication failed with invalid MFA one time pass code.',
    )
  })

  it('meets the role-chaining cap', async () => {
    const {chained} = await scenarios.chaining
    expect(chained.code).to.equal(254)
    expect(chained.stderr).to.contain(
      'An error occurred (ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    )
  })

  it('lists access keys through IAM', async () => {
    const {keys} = await scenarios.chaining
    expect(keys.code, keys.stderr).to.equal(0)
    const metadata = keys.json().AccessKeyMetadata as Array<{AccessKeyId: string; UserName: string; Status: string}>
    expect(metadata.map(({AccessKeyId, UserName, Status}) => ({AccessKeyId, UserName, Status}))).to.deep.equal([
      {AccessKeyId: aws.credentials('alice').accessKeyId, UserName: 'alice', Status: 'Active'},
    ])
  })

  it('polls a pending device code, and lists accounts with a bearer token', async () => {
    const {pending, accounts} = await scenarios.deviceCode
    expect(pending.code).to.equal(254)
    expect(pending.stderr).to.contain('An error occurred (AuthorizationPendingException) when calling the CreateToken operation')
    expect(accounts.code, accounts.stderr).to.equal(0)
    expect(accounts.json().accountList).to.deep.equal([
      {accountId: '111111111111', accountName: 'dev', emailAddress: 'aws+111111111111@example.com'},
    ])
  })
})
