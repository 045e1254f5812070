import {AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient} from '@aws-sdk/client-sts'
import {ListAccountsCommand, SSOClient} from '@aws-sdk/client-sso'
import {ConfiguredRetryStrategy} from '@smithy/core/retry'
import {expect} from 'chai'
import {rejection, sts} from './clients.ts'
import {startEmulator, type Emulator} from './index.ts'

describe('emulator: fault injection and the call log', () => {
  let aws: Emulator

  beforeEach(async () => {
    aws = await startEmulator({users: [{name: 'alice'}], roles: [{name: 'admin'}]})
  })

  afterEach(() => aws.stop())

  // The SDK's own retry strategy with its error classification, minus the backoff wait.
  const quickRetries = (attempts: number) => new ConfiguredRetryStrategy(attempts, () => 1)

  it('throttles a call the way STS does; the SDK’s default retries recover', async () => {
    aws.throttle('GetCallerIdentity', 1)
    const identity = await sts(aws, aws.credentials('alice')).send(new GetCallerIdentityCommand({}))
    expect(identity.$metadata.attempts).to.equal(2)
    expect(aws.callsOf('GetCallerIdentity').map((call) => call.outcome)).to.deep.equal([
      {status: 400, error: 'Throttling', message: 'Rate exceeded'},
      {status: 200},
    ])
  })

  it('throttles exactly the next N calls', async () => {
    aws.throttle('GetCallerIdentity', 3)
    const client = new STSClient({
      endpoint: aws.url,
      region: 'us-east-1',
      credentials: aws.credentials('alice'),
      retryStrategy: quickRetries(4),
    })
    const identity = await client.send(new GetCallerIdentityCommand({}))
    expect(identity.$metadata.attempts).to.equal(4)
    expect(aws.callsOf('GetCallerIdentity').map((call) => call.outcome.status)).to.deep.equal([400, 400, 400, 200])
    await client.send(new GetCallerIdentityCommand({}))
    expect(aws.callsOf('GetCallerIdentity')).to.have.length(5)
  })

  it('surfaces throttling once the SDK runs out of attempts', async () => {
    aws.throttle('GetCallerIdentity', 5)
    const client = new STSClient({
      endpoint: aws.url,
      region: 'us-east-1',
      credentials: aws.credentials('alice'),
      retryStrategy: quickRetries(2),
    })
    const error = await rejection(client.send(new GetCallerIdentityCommand({})))
    expect(error.name).to.equal('Throttling')
    expect(error.$metadata?.attempts).to.equal(2)
  })

  it('throttles the SSO portal with TooManyRequestsException (429), which the SDK retries', async () => {
    const {accessToken} = aws.ssoAccessToken()
    aws.throttle('ListAccounts', 1)
    const client = new SSOClient({endpoint: aws.url, region: 'us-east-1', retryStrategy: quickRetries(2)})
    const accounts = await client.send(new ListAccountsCommand({accessToken}))
    expect(accounts.$metadata.attempts).to.equal(2)
    expect(aws.callsOf('ListAccounts')[0]?.outcome).to.deep.include({status: 429, error: 'TooManyRequestsException'})
  })

  it('fails a named action with a given error, for as many calls as asked', async () => {
    aws.fail('AssumeRole', {code: 'AccessDenied', message: 'Denied by an SCP'}, 1)
    const client = sts(aws, aws.credentials('alice'))
    const assume = () => client.send(new AssumeRoleCommand({RoleArn: aws.role('admin').arn, RoleSessionName: 'ops'}))
    const error = await rejection(assume())
    expect(error.name).to.equal('AccessDenied')
    expect(error.message).to.equal('Denied by an SCP')
    expect(error.$metadata?.httpStatusCode).to.equal(403)
    await assume()
    await client.send(new GetCallerIdentityCommand({}))
  })

  it('fails every call of an action until cleared; server errors are retried by the SDK', async () => {
    aws.fail('GetSessionToken', 'ServiceUnavailable')
    const client = sts(aws, aws.credentials('alice'), {maxAttempts: 2})
    const error = await rejection(client.send(new GetSessionTokenCommand({})))
    expect(error.name).to.equal('ServiceUnavailable')
    expect(error.$metadata?.httpStatusCode).to.equal(503)
    expect(aws.callsOf('GetSessionToken')).to.have.length(2)
    aws.clearFaults()
    await client.send(new GetSessionTokenCommand({}))
  })

  it('adds latency to every answer', async () => {
    aws.latency(500)
    const impatient = new STSClient({
      endpoint: aws.url,
      region: 'us-east-1',
      credentials: aws.credentials('alice'),
      maxAttempts: 1,
      requestHandler: {requestTimeout: 50, throwOnRequestTimeout: true},
    })
    const error = await rejection(impatient.send(new GetCallerIdentityCommand({})))
    expect(error.name).to.equal('TimeoutError')
    aws.latency(0)
    await impatient.send(new GetCallerIdentityCommand({}))
  })

  it('logs each call with its service, action, caller key and outcome', async () => {
    const {accessKeyId} = aws.credentials('alice')
    await sts(aws, aws.credentials('alice')).send(new GetSessionTokenCommand({DurationSeconds: 900}))
    expect(aws.callsOf('GetSessionToken')).to.have.length(1)
    const [call] = aws.calls
    expect(call).to.deep.include({
      service: 'sts',
      action: 'GetSessionToken',
      accessKeyId,
      params: {DurationSeconds: '900'},
      outcome: {status: 200},
    })
    expect(call?.principal).to.deep.include({arn: aws.user('alice').arn, source: 'long-term', mfa: false})
    aws.clearCalls()
    expect(aws.calls).to.have.length(0)
  })
  it('answers with hostile credentials the next N successful calls, then with real ones again', async () => {
    aws.answerWith('GetSessionToken', {Expiration: '2001-02-03T04:05:06Z', SessionToken: 'not a token'}, 1)
    const client = sts(aws, aws.credentials('alice'))
    const hostile = await client.send(new GetSessionTokenCommand({}))
    expect(hostile.Credentials?.SessionToken).to.equal('not a token')
    expect(hostile.Credentials?.Expiration?.toISOString()).to.equal('2001-02-03T04:05:06.000Z')
    const real = await client.send(new GetSessionTokenCommand({}))
    expect(real.Credentials?.SessionToken).to.not.equal('not a token')
    expect(real.Credentials!.Expiration!.getTime()).to.be.greaterThan(aws.now().getTime())
  })
})
