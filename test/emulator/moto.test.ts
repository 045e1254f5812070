// The same STS/IAM flow against our emulator and against moto's server, an independent implementation of AWS's
// wire format: the SDK must read the same shapes from both. moto checks no signatures, MFA codes, chaining limits
// or session-name patterns and has no SSO; those behaviours are covered by the emulator's own tests only.
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  type AssumeRoleCommandOutput,
  type GetCallerIdentityCommandOutput,
  type GetSessionTokenCommandOutput,
} from '@aws-sdk/client-sts'
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  type CreateAccessKeyCommandOutput,
  type ListAccessKeysCommandOutput,
} from '@aws-sdk/client-iam'
import {SignatureV4} from '@smithy/signature-v4'
import {expect} from 'chai'
import {startMoto, type Moto} from '../helpers/moto.ts'
import {fromStsCredentials, rejection, type ClientCredentials} from './clients.ts'
import {startEmulator, type Emulator} from './index.ts'
import {Sha256} from './sigv4.ts'

const ACCOUNT = '123456789012'

interface Target {
  url: string
  alice: ClientCredentials
  roleArn: string
}

interface FlowResult {
  created: CreateAccessKeyCommandOutput
  userIdentity: GetCallerIdentityCommandOutput
  sessionToken: GetSessionTokenCommandOutput
  assumed: AssumeRoleCommandOutput
  roleIdentity: GetCallerIdentityCommandOutput
  listed: ListAccessKeysCommandOutput
  overQuota: Error & {$metadata?: {httpStatusCode?: number}}
  issuedAt: number
  answeredAt: number
}

// Keys and value types, recursively: what a parser depends on, without the values.
const shape = (value: unknown): unknown => {
  if (value instanceof Date) return 'Date'
  if (Array.isArray(value)) return value.map(shape)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== '$metadata')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, shape(item)]),
    )
  }
  return typeof value
}

const client = <T>(Client: new (config: object) => T, target: Target, credentials: ClientCredentials): T =>
  new Client({endpoint: target.url, region: 'us-east-1', credentials, maxAttempts: 1})

const runFlow = async (target: Target): Promise<FlowResult> => {
  const created = await client(IAMClient, target, target.alice).send(new CreateAccessKeyCommand({UserName: 'alice'}))
  const fresh = {accessKeyId: created.AccessKey!.AccessKeyId!, secretAccessKey: created.AccessKey!.SecretAccessKey!}
  const stsClient = client(STSClient, target, fresh)
  const userIdentity = await stsClient.send(new GetCallerIdentityCommand({}))
  const sessionToken = await stsClient.send(new GetSessionTokenCommand({DurationSeconds: 900}))
  const issuedAt = Date.now()
  const assumed = await stsClient.send(
    new AssumeRoleCommand({RoleArn: target.roleArn, RoleSessionName: 'cross-check', DurationSeconds: 3600}),
  )
  const answeredAt = Date.now()
  const roleIdentity = await client(STSClient, target, fromStsCredentials(assumed.Credentials)).send(new GetCallerIdentityCommand({}))
  const listed = await client(IAMClient, target, fresh).send(new ListAccessKeysCommand({UserName: 'alice'}))
  const overQuota = await rejection(client(IAMClient, target, fresh).send(new CreateAccessKeyCommand({UserName: 'alice'})))
  return {created, userIdentity, sessionToken, assumed, roleIdentity, listed, overQuota, issuedAt, answeredAt}
}

// The element names of an XML document in order: the wire structure, without the values.
const skeleton = (xml: string): string[] => [...xml.matchAll(/<([A-Za-z]+)[\s>]/g)].map((match) => match[1]!)

const rawQuery = async (
  target: Target,
  service: 'sts' | 'iam',
  body: string,
  credentials: ClientCredentials,
): Promise<{status: number; xml: string}> => {
  const url = new URL(target.url)
  const signer = new SignatureV4({credentials, region: 'us-east-1', service, sha256: Sha256})
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: {host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8'},
    body,
  })
  const response = await fetch(target.url, {method: 'POST', headers: signed.headers, body})
  return {status: response.status, xml: await response.text()}
}

describe('emulator and moto: one STS/IAM flow, the same shapes', function () {
  // moto's Python server starts in about a second, longer on a loaded machine.
  this.timeout(60_000)
  let aws: Emulator
  let moto: Moto
  let ours: Target
  let theirs: Target
  let results: {ours: FlowResult; theirs: FlowResult}

  before(async () => {
    const [emulator, motoServer] = await Promise.all([
      startEmulator({users: [{name: 'alice'}], roles: [{name: 'admin', path: '/ops/', maxSessionDuration: 7200}]}),
      startMoto(),
    ])
    aws = emulator
    moto = motoServer
    ours = {url: aws.url, alice: aws.credentials('alice'), roleArn: aws.role('admin').arn}

    // moto takes any credentials for its own administration.
    const admin = new IAMClient({
      endpoint: moto.url,
      region: 'us-east-1',
      credentials: {accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'admin'},
    })
    await admin.send(new CreateUserCommand({UserName: 'alice'}))
    const key = await admin.send(new CreateAccessKeyCommand({UserName: 'alice'}))
    const trust = {
      Version: '2012-10-17',
      Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`}, Action: 'sts:AssumeRole'}],
    }
    const role = await admin.send(
      new CreateRoleCommand({RoleName: 'admin', Path: '/ops/', MaxSessionDuration: 7200, AssumeRolePolicyDocument: JSON.stringify(trust)}),
    )
    theirs = {
      url: moto.url,
      alice: {accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey!},
      roleArn: role.Role!.Arn!,
    }
    results = {ours: await runFlow(ours), theirs: await runFlow(theirs)}
  })

  after(async () => {
    await Promise.all([aws?.stop(), moto?.stop()])
  })

  it('answers every step with the same response shapes', () => {
    // moto always adds PackedPolicySize; AWS sends it only when session policies or tags were passed, as we do.
    const {PackedPolicySize: _always, ...motoAssumed} = results.theirs.assumed
    // AWS's ListAccessKeys result carries IsTruncated, as ours does; moto leaves it out.
    const {IsTruncated, ...ourListed} = results.ours.listed
    const ours_ = {...results.ours, listed: ourListed}
    const theirs_ = {...results.theirs, assumed: motoAssumed}
    for (const step of ['created', 'userIdentity', 'sessionToken', 'assumed', 'roleIdentity', 'listed'] as const) {
      expect(shape(ours_[step]), step).to.deep.equal(shape(theirs_[step]))
    }
    expect(results.ours.assumed.PackedPolicySize).to.equal(undefined)
    expect(IsTruncated).to.equal(false)
  })

  it('formats keys, ARNs and ids alike', () => {
    for (const result of [results.ours, results.theirs]) {
      expect(result.created.AccessKey?.AccessKeyId).to.match(/^AKIA[A-Z0-9]{16}$/)
      expect(result.created.AccessKey?.SecretAccessKey).to.have.length(40)
      expect(result.userIdentity).to.deep.include({Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/alice`})
      expect(result.assumed.Credentials?.AccessKeyId).to.match(/^ASIA[A-Z0-9]{16}$/)
      expect(result.assumed.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${ACCOUNT}:assumed-role/admin/cross-check`)
      expect(result.assumed.AssumedRoleUser?.AssumedRoleId).to.match(/^AROA[A-Z0-9]{17}:cross-check$/)
      expect(result.roleIdentity).to.deep.include({
        Arn: result.assumed.AssumedRoleUser?.Arn,
        UserId: result.assumed.AssumedRoleUser?.AssumedRoleId,
      })
      const expiration = result.assumed.Credentials!.Expiration!.getTime()
      expect(expiration).to.be.within(result.issuedAt + 3600_000 - 1000, result.answeredAt + 3600_000)
    }
  })

  it('refuses a third access key with the same error', () => {
    const [ours_, theirs_] = [results.ours.overQuota, results.theirs.overQuota]
    expect([ours_.name, ours_.$metadata?.httpStatusCode, ours_.message]).to.deep.equal([
      theirs_.name,
      theirs_.$metadata?.httpStatusCode,
      theirs_.message,
    ])
    expect(ours_.name).to.equal('LimitExceededException')
  })

  it('writes the same XML structure for a result and for an error', async () => {
    const identity = 'Action=GetCallerIdentity&Version=2011-06-15'
    const missingUser = 'Action=GetUser&UserName=nobody&Version=2010-05-08'
    const [ourIdentity, theirIdentity, ourError, theirError] = await Promise.all([
      rawQuery(ours, 'sts', identity, ours.alice),
      rawQuery(theirs, 'sts', identity, theirs.alice),
      rawQuery(ours, 'iam', missingUser, ours.alice),
      rawQuery(theirs, 'iam', missingUser, theirs.alice),
    ])
    expect(skeleton(ourIdentity.xml)).to.deep.equal(skeleton(theirIdentity.xml))
    // moto repeats the message in an extra lower-case <message> element that AWS does not send.
    const motoError = skeleton(theirError.xml).filter((name) => name !== 'message')
    expect([ourError.status, skeleton(ourError.xml)]).to.deep.equal([theirError.status, motoError])
    expect(ourError.xml).to.contain('<Code>NoSuchEntity</Code>')
  })
})
