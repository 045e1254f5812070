// The plain STS flows against moto's server, a stand-in written by others: GetSessionToken and AssumeRole.
import {CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient} from '@aws-sdk/client-iam'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {expect} from 'chai'

import {Sandbox} from '../helpers/cli.ts'
import {startMoto, type Moto} from '../helpers/moto.ts'
import {parseEnv, type ProcessCredentials} from './chain-helpers.ts'

const ACCOUNT = '123456789012'
const bootstrap = {accessKeyId: 'AKIAMOTOBOOTSTRAPKEY', secretAccessKey: 'moto-does-not-check-signatures'}

describe('credential chains against moto (built binary)', function () {
  this.timeout(60_000)
  let moto: Moto
  let sandbox: Sandbox
  let roleArn: string

  before(async () => {
    moto = await startMoto()
  })

  after(() => moto?.stop())

  beforeEach(async () => {
    await moto.reset()
    const iam = new IAMClient({credentials: bootstrap, endpoint: moto.url, region: 'us-east-1'})
    await iam.send(new CreateUserCommand({UserName: 'dana'}))
    const {AccessKey} = await iam.send(new CreateAccessKeyCommand({UserName: 'dana'}))
    const trust = JSON.stringify({
      Statement: [{Action: 'sts:AssumeRole', Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`}}],
      Version: '2012-10-17',
    })
    const {Role} = await iam.send(new CreateRoleCommand({AssumeRolePolicyDocument: trust, RoleName: 'deployer'}))
    iam.destroy()
    roleArn = Role!.Arn!
    sandbox = new Sandbox()
    sandbox.writeConfig(
      `[profile dana]\nregion = eu-central-1\n\n[profile deployer]\nregion = eu-central-1\nsource_profile = dana\nrole_arn = ${roleArn}\nrole_session_name = deploy-run\n`,
    )
    await sandbox.addKey('dana', AccessKey!.AccessKeyId!, AccessKey!.SecretAccessKey!)
  })

  afterEach(() => sandbox.cleanup())

  async function identity(credentials: ProcessCredentials): Promise<string> {
    const client = new STSClient({
      credentials: {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
      },
      endpoint: moto.url,
      region: 'eu-central-1',
    })
    const {Arn} = await client.send(new GetCallerIdentityCommand({}))
    client.destroy()
    return Arn ?? ''
  }

  async function exec(profile: string): Promise<ProcessCredentials> {
    const result = await sandbox.run(['exec', profile, '--json'], {env: {AWS_ENDPOINT_URL_STS: moto.url}})
    expect(result.code, result.stderr).to.equal(0)
    return JSON.parse(result.stdout) as ProcessCredentials
  }

  it('GetSessionToken: a user profile gets session credentials with an expiry', async () => {
    const before = Date.now()
    const credentials = await exec('dana')
    expect(credentials.SessionToken).to.be.a('string').and.not.equal('')
    // One hour asked for, one hour given (moto answers with a fixed example key id).
    expect(new Date(credentials.Expiration!).getTime()).to.be.within(before + 3540_000, Date.now() + 3600_000)
  })

  it('AssumeRole: a role profile becomes the role, with its role_session_name', async () => {
    const credentials = await exec('deployer')
    expect(await identity(credentials)).to.equal(`arn:aws:sts::${ACCOUNT}:assumed-role/deployer/deploy-run`)
  })

  it('vault exec hands the role credentials to the child as aws-vault v7 does', async () => {
    const result = await sandbox.run(['exec', 'deployer', '--', 'env'], {env: {AWS_ENDPOINT_URL_STS: moto.url}})
    expect(result.code, result.stderr).to.equal(0)
    const env = parseEnv(result.stdout)
    expect(env.AWS_SESSION_TOKEN).to.be.a('string').and.not.equal('')
    expect(env.AWS_CREDENTIAL_EXPIRATION).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(env.AWS_REGION).to.equal('eu-central-1')
  })
})
