import {GetCallerIdentityCommand, GetSessionTokenCommand, AssumeRoleCommand} from '@aws-sdk/client-sts'
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetUserCommand,
  LimitExceededException,
  ListAccessKeysCommand,
  NoSuchEntityException,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import {expect} from 'chai'
import {fromStsCredentials, iam, rejection, sts, type ClientCredentials} from './clients.ts'
import {startEmulator, type Emulator} from './index.ts'

const ACCOUNT = '123456789012'

describe('emulator: IAM', () => {
  let aws: Emulator
  let alice: ClientCredentials

  beforeEach(async () => {
    aws = await startEmulator({
      users: [
        {name: 'alice', mfa: true},
        {name: 'carol', mfa: true, requireMfa: true},
      ],
      roles: [{name: 'admin'}],
    })
    alice = aws.credentials('alice')
  })

  afterEach(() => aws.stop())

  const sessionOf = async (user: string, mfa: boolean): Promise<ClientCredentials> => {
    const serial = aws.user(user).mfaSerial!
    const params = mfa ? {SerialNumber: serial, TokenCode: aws.totp(serial)} : {}
    return fromStsCredentials((await sts(aws, aws.credentials(user)).send(new GetSessionTokenCommand(params))).Credentials)
  }

  it('GetUser describes the calling user, or the named one', async () => {
    const own = await iam(aws, alice).send(new GetUserCommand({}))
    expect(own.User).to.deep.include({
      UserName: 'alice',
      Path: '/',
      Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      UserId: aws.user('alice').userId,
    })
    const named = await iam(aws, alice).send(new GetUserCommand({UserName: 'carol'}))
    expect(named.User?.UserName).to.equal('carol')
    const missing = await rejection(iam(aws, alice).send(new GetUserCommand({UserName: 'nobody'})))
    expect(missing).to.be.instanceOf(NoSuchEntityException)
    expect(missing.message).to.equal('The user with name nobody cannot be found.')
  })

  it('asks role sessions to name the user', async () => {
    const role = fromStsCredentials(
      (await sts(aws, alice).send(new AssumeRoleCommand({RoleArn: aws.role('admin').arn, RoleSessionName: 'ops'}))).Credentials,
    )
    const error = await rejection(iam(aws, role).send(new ListAccessKeysCommand({})))
    expect(error.name).to.equal('ValidationError')
    expect(error.message).to.equal('Must specify userName when calling with non-User credentials')
    const listed = await iam(aws, role).send(new ListAccessKeysCommand({UserName: 'alice'}))
    expect(listed.AccessKeyMetadata).to.have.length(1)
  })

  it('rotates a key: create a second, the third is over quota, the old one stops working once deleted', async () => {
    const created = await iam(aws, alice).send(new CreateAccessKeyCommand({}))
    expect(created.AccessKey).to.deep.include({UserName: 'alice', Status: 'Active'})
    expect(created.AccessKey?.AccessKeyId).to.match(/^AKIA[A-Z2-7]{16}$/)
    expect(created.AccessKey?.SecretAccessKey).to.have.length(40)
    const listed = await iam(aws, alice).send(new ListAccessKeysCommand({}))
    expect(listed.AccessKeyMetadata?.map((key) => key.AccessKeyId)).to.deep.equal([alice.accessKeyId, created.AccessKey?.AccessKeyId])
    expect(listed.IsTruncated).to.equal(false)

    // The SDK classes LimitExceededException as throttling and would retry it: one attempt keeps the log exact.
    const third = await rejection(iam(aws, alice, {maxAttempts: 1}).send(new CreateAccessKeyCommand({})))
    expect(third).to.be.instanceOf(LimitExceededException)
    expect(third.$metadata?.httpStatusCode).to.equal(409)
    expect(third.message).to.equal('Cannot exceed quota for AccessKeysPerUser: 2')

    const fresh = {accessKeyId: created.AccessKey!.AccessKeyId!, secretAccessKey: created.AccessKey!.SecretAccessKey!}
    await iam(aws, fresh).send(new DeleteAccessKeyCommand({AccessKeyId: alice.accessKeyId}))
    const old = await rejection(sts(aws, alice).send(new GetCallerIdentityCommand({})))
    expect(old.name).to.equal('InvalidClientTokenId')
    const identity = await sts(aws, fresh).send(new GetCallerIdentityCommand({}))
    expect(identity.Arn).to.equal(`arn:aws:iam::${ACCOUNT}:user/alice`)
    expect(aws.callsOf('CreateAccessKey').map((call) => call.outcome.status)).to.deep.equal([200, 409])
  })

  it('answers a key that is not the user’s with NoSuchEntity', async () => {
    const error = await rejection(iam(aws, alice).send(new DeleteAccessKeyCommand({AccessKeyId: 'AKIAIOSFODNN7EXAMPLE'})))
    expect(error).to.be.instanceOf(NoSuchEntityException)
    expect(error.message).to.equal('The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.')
  })

  it('deactivates a key', async () => {
    await iam(aws, alice).send(new UpdateAccessKeyCommand({AccessKeyId: alice.accessKeyId, Status: 'Inactive'}))
    expect(aws.user('alice').accessKeys[0]?.status).to.equal('Inactive')
    const error = await rejection(iam(aws, alice).send(new GetUserCommand({})))
    expect(error.name).to.equal('InvalidClientTokenId')
  })

  it('refuses GetSessionToken credentials obtained without MFA, accepts those with MFA', async () => {
    const error = await rejection(iam(aws, await sessionOf('alice', false)).send(new GetUserCommand({})))
    expect(error.name).to.equal('InvalidClientTokenId')
    expect(error.$metadata?.httpStatusCode).to.equal(403)
    const user = await iam(aws, await sessionOf('alice', true)).send(new GetUserCommand({}))
    expect(user.User?.UserName).to.equal('alice')
  })

  it('denies a user whose policy requires MFA until the call carries it', async () => {
    const denied = await rejection(iam(aws, aws.credentials('carol')).send(new CreateAccessKeyCommand({})))
    expect(denied.name).to.equal('AccessDenied')
    expect(denied.message).to.equal(
      `User: arn:aws:iam::${ACCOUNT}:user/carol is not authorized to perform: iam:CreateAccessKey on resource: user carol with an explicit deny in an identity-based policy`,
    )
    const created = await iam(aws, await sessionOf('carol', true)).send(new CreateAccessKeyCommand({}))
    expect(created.AccessKey?.UserName).to.equal('carol')
    expect(aws.callsOf('CreateAccessKey').map((call) => call.principal?.mfa)).to.deep.equal([false, true])
  })
})
