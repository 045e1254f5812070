import {GetCallerIdentityCommand, GetSessionTokenCommand, STSServiceException} from '@aws-sdk/client-sts'
import {GetUserCommand, IAMServiceException} from '@aws-sdk/client-iam'
import {SignatureV4} from '@smithy/signature-v4'
import {expect} from 'chai'
import {fromStsCredentials, iam, rejection, sts} from './clients.ts'
import {startEmulator, type Emulator} from './index.ts'
import {Sha256} from './sigv4.ts'

// Sends a query-protocol request signed by the SDK's signer, then optionally altered in transit.
const signedFetch = async (
  emulator: Emulator,
  credentials: {accessKeyId: string; secretAccessKey: string},
  options: {body?: string; sentBody?: string; signingDate?: Date} = {},
): Promise<{status: number; text: string}> => {
  const url = new URL(emulator.url)
  const body = options.body ?? 'Action=GetCallerIdentity&Version=2011-06-15'
  const signer = new SignatureV4({credentials, region: 'us-east-1', service: 'sts', sha256: Sha256})
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: {host: url.host, 'content-type': 'application/x-www-form-urlencoded'},
      body,
    },
    {signingDate: options.signingDate},
  )
  const response = await fetch(emulator.url, {method: 'POST', headers: signed.headers, body: options.sentBody ?? body})
  return {status: response.status, text: await response.text()}
}

describe('emulator: SigV4 verification', () => {
  let aws: Emulator

  beforeEach(async () => {
    aws = await startEmulator({
      users: [
        {name: 'alice', mfa: true},
        {name: 'idle', accessKeys: [{status: 'Inactive'}]},
      ],
    })
  })

  afterEach(() => aws.stop())

  it('accepts a request the SDK signed with the stored secret', async () => {
    const identity = await sts(aws, aws.credentials('alice')).send(new GetCallerIdentityCommand({}))
    expect(identity.Arn).to.equal('arn:aws:iam::123456789012:user/alice')
    const [call] = aws.callsOf('GetCallerIdentity')
    expect(call?.principal?.accessKeyId).to.equal(aws.credentials('alice').accessKeyId)
    expect(call?.outcome).to.deep.equal({status: 200})
  })

  it('refuses a wrong secret with SignatureDoesNotMatch (403)', async () => {
    const {accessKeyId} = aws.credentials('alice')
    const error = await rejection(sts(aws, {accessKeyId, secretAccessKey: 'not-the-secret'}).send(new GetCallerIdentityCommand({})))
    expect(error).to.be.instanceOf(STSServiceException)
    expect(error.name).to.equal('SignatureDoesNotMatch')
    expect(error.$metadata?.httpStatusCode).to.equal(403)
    expect(error.message).to.match(/^The request signature we calculated does not match the signature you provided\./)
    expect(aws.callsOf('GetCallerIdentity')[0]?.outcome.error).to.equal('SignatureDoesNotMatch')
  })

  it('refuses a body changed after signing', async () => {
    const response = await signedFetch(aws, aws.credentials('alice'), {sentBody: 'Action=GetCallerIdentity&Version=2011-06-15&x=1'})
    expect(response.status).to.equal(403)
    expect(response.text).to.contain('<Code>SignatureDoesNotMatch</Code>')
  })

  it('refuses a signature older than 15 minutes', async () => {
    const response = await signedFetch(aws, aws.credentials('alice'), {signingDate: new Date(Date.now() - 20 * 60 * 1000)})
    expect(response.status).to.equal(403)
    expect(response.text).to.match(/<Code>SignatureDoesNotMatch<\/Code><Message>Signature expired: \d{8}T\d{6}Z is now earlier than/)
  })

  it('answers an unknown key with InvalidClientTokenId (403), in the STS error envelope', async () => {
    const response = await signedFetch(aws, {accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'})
    expect(response.status).to.equal(403)
    expect(response.text).to.match(
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidClientTokenId<\/Code><Message>The security token included in the request is invalid\.<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    )
  })

  it('treats an inactive key as unknown', async () => {
    const error = await rejection(sts(aws, aws.credentials('idle')).send(new GetCallerIdentityCommand({})))
    expect(error.name).to.equal('InvalidClientTokenId')
  })

  it('answers an unsigned request with MissingAuthenticationToken', async () => {
    const response = await fetch(aws.url, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    })
    expect(response.status).to.equal(403)
    expect(await response.text()).to.contain('<Code>MissingAuthenticationToken</Code>')
  })

  describe('temporary credentials', () => {
    const sessionCredentials = async () => {
      const {Credentials} = await sts(aws, aws.credentials('alice')).send(new GetSessionTokenCommand({DurationSeconds: 900}))
      return fromStsCredentials(Credentials)
    }

    it('verifies them with their session token', async () => {
      const credentials = await sessionCredentials()
      const identity = await sts(aws, credentials).send(new GetCallerIdentityCommand({}))
      expect(identity.Arn).to.equal('arn:aws:iam::123456789012:user/alice')
      expect(aws.callsOf('GetCallerIdentity')[0]?.principal?.source).to.equal('GetSessionToken')
    })

    it('refuses a wrong or missing session token with InvalidClientTokenId', async () => {
      const credentials = await sessionCredentials()
      const wrong = await rejection(sts(aws, {...credentials, sessionToken: 'forged'}).send(new GetCallerIdentityCommand({})))
      const missing = await rejection(sts(aws, {...credentials, sessionToken: undefined}).send(new GetCallerIdentityCommand({})))
      expect([wrong.name, missing.name]).to.deep.equal(['InvalidClientTokenId', 'InvalidClientTokenId'])
    })

    it('refuses a wrong secret with SignatureDoesNotMatch', async () => {
      const credentials = await sessionCredentials()
      const error = await rejection(sts(aws, {...credentials, secretAccessKey: 'wrong'}).send(new GetCallerIdentityCommand({})))
      expect(error.name).to.equal('SignatureDoesNotMatch')
    })

    it('refuses them once expired with ExpiredToken (403), in STS and IAM', async () => {
      const credentials = await sessionCredentials()
      aws.advance(900)
      const stsError = await rejection(sts(aws, credentials).send(new GetCallerIdentityCommand({})))
      const iamError = await rejection(iam(aws, credentials).send(new GetUserCommand({})))
      expect(stsError).to.be.instanceOf(STSServiceException)
      expect(iamError).to.be.instanceOf(IAMServiceException)
      for (const error of [stsError, iamError]) {
        expect(error.name).to.equal('ExpiredToken')
        expect(error.message).to.equal('The security token included in the request is expired')
        expect(error.$metadata?.httpStatusCode).to.equal(403)
      }
    })
  })
})
