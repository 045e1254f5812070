import {fromHttp} from '@aws-sdk/credential-provider-http'
import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {request} from 'node:http'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {repoRoot} from '../helpers/cli.ts'
import type {Emulator, Seed} from '../helpers/emulator.ts'
import {ChainWorld, type ProcessCredentials} from './chain-helpers.ts'
import {awsCliEnv, burstAtExpiry, credentialFetches, REFRESH_WINDOW, type SdkCredentials, ServedRun, untilStale} from './server-world.ts'

const run = promisify(execFile)
const ACCOUNT = '123456789012'

const seed: Seed = {roles: [{name: 'readonly'}], users: [{mfa: true, name: 'alice'}, {name: 'bob'}]}
const config = (aws: Emulator) => `
[profile bob]
region = eu-west-1

[profile alice]
region = eu-west-1
mfa_serial = ${aws.user('alice').mfaSerial}

[profile empty]
region = eu-west-1
`

/** A Node program using the AWS SDK v3 container providers as an application would: from its environment. */
const sdkProgram = `
const {createRequire} = require('node:module')
const load = createRequire(${JSON.stringify(join(repoRoot, 'package.json'))})
const {fromHttp} = load('@aws-sdk/credential-provider-http')
const {fromContainerMetadata} = load('@smithy/credential-provider-imds')
const {GetCallerIdentityCommand, STSClient} = load('@aws-sdk/client-sts')
;(async () => {
  const arns = {}
  for (const [name, credentials] of [['fromHttp', fromHttp({})], ['fromContainerMetadata', fromContainerMetadata()]]) {
    const client = new STSClient({credentials, endpoint: process.env.EMULATOR_URL, region: process.env.AWS_REGION})
    arns[name] = (await client.send(new GetCallerIdentityCommand({}))).Arn
  }
  process.stdout.write(JSON.stringify(arns))
})().catch((error) => { process.stderr.write(String(error)); process.exit(1) })
`

function get(url: string, headers: Record<string, string>): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const sent = request(url, {agent: false, headers}, (answer) => {
      let body = ''
      answer.on('data', (chunk: Buffer) => (body += chunk.toString()))
      answer.on('end', () => resolve({body, status: answer.statusCode ?? 0}))
    })
    sent.on('error', reject)
    sent.end()
  })
}

describe('vault exec --ecs-server (built binary, emulator, real AWS CLI and SDK)', function () {
  this.timeout(90_000)
  let world: ChainWorld

  beforeEach(async () => {
    world = await ChainWorld.start(seed, config, ['alice', 'bob'])
  })

  afterEach(() => world.stop())

  it('gives the child the server URL and a fresh token, and no keys', async () => {
    const first = await ServedRun.start(world, 'bob', ['--ecs-server'], {
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/stale',
      AWS_SESSION_TOKEN: 'stale',
    })
    const second = await ServedRun.start(world, 'bob', ['--server'])
    const env = first.env
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).to.match(/^[\w-]{40}$/)
    expect(env).to.include({AWS_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'eu-west-1', AWS_VAULT: 'bob'})
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_SECURITY_TOKEN',
      'AWS_CREDENTIAL_EXPIRATION',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_VAULT_FILE_PASSPHRASE',
    ]) {
      expect(env, name).not.to.have.property(name)
    }
    // --server is aws-vault v7's alias of --ecs-server.
    expect(second.env.AWS_CONTAINER_CREDENTIALS_FULL_URI).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(second.env.AWS_CONTAINER_AUTHORIZATION_TOKEN).to.not.equal(env.AWS_CONTAINER_AUTHORIZATION_TOKEN)
    expect(second.env.AWS_CONTAINER_CREDENTIALS_FULL_URI).to.not.equal(env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
    expect((await first.finish(0)).code).to.equal(0)
    expect((await second.finish(0)).code).to.equal(0)
  })

  it('serves the real AWS CLI v2 run as the command', async () => {
    const result = await world.run([
      'exec',
      'bob',
      '--ecs-server',
      '--',
      '/usr/bin/aws',
      'sts',
      'get-caller-identity',
      '--endpoint-url',
      world.aws.url,
      '--output',
      'json',
    ])
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout)).to.include({Arn: `arn:aws:iam::${ACCOUNT}:user/bob`})
    const call = world.aws.callsOf('GetCallerIdentity').at(-1)
    expect(call?.principal?.source).to.equal('GetSessionToken')
  })

  it('assumes the role of /role-arn/<arn> from the profile session for the AWS CLI', async () => {
    const roleArn = world.aws.role('readonly').arn
    const result = await world.run([
      'exec',
      'bob',
      '--ecs-server',
      '--',
      'sh',
      '-c',
      `AWS_CONTAINER_CREDENTIALS_FULL_URI="$AWS_CONTAINER_CREDENTIALS_FULL_URI/role-arn/${roleArn}" /usr/bin/aws sts get-caller-identity --endpoint-url ${world.aws.url} --output json`,
    ])
    expect(result.code, result.stderr).to.equal(0)
    expect((JSON.parse(result.stdout) as {Arn: string}).Arn).to.match(new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/readonly/\\d+$`))
    expect(world.stsCalls()).to.deep.equal([
      {action: 'GetSessionToken', by: 'keys of bob', params: {DurationSeconds: '3600'}},
      {action: 'AssumeRole', by: 'GetSessionToken session of bob', params: {DurationSeconds: '3600', RoleArn: roleArn}},
    ])
  })

  it('serves the AWS SDK v3 container providers (fromHttp, fromContainerMetadata) reading the environment', async () => {
    const result = await world.run(['exec', 'bob', '--ecs-server', '--', process.execPath, '-e', sdkProgram], {EMULATOR_URL: world.aws.url})
    expect(result.code, result.stderr).to.equal(0)
    const user = `arn:aws:iam::${ACCOUNT}:user/bob`
    expect(JSON.parse(result.stdout)).to.deep.equal({fromContainerMetadata: user, fromHttp: user})
  })

  it('refuses a missing or wrong token and a foreign Host; the AWS CLI with a wrong token fails', async () => {
    const served = await ServedRun.start(world, 'bob', ['--ecs-server'])
    const url = served.env.AWS_CONTAINER_CREDENTIALS_FULL_URI!
    const token = served.env.AWS_CONTAINER_AUTHORIZATION_TOKEN!
    const port = new URL(url).port
    const refusals = [
      await get(url, {}),
      await get(url, {Authorization: 'not-the-token'}),
      await get(url, {Authorization: token.slice(0, -1)}),
      await get(url, {Authorization: token, Host: `attacker.example:${port}`}),
    ]
    expect(refusals.map((answer) => answer.status)).to.deep.equal([403, 403, 403, 403])
    for (const answer of refusals) expect(answer.body).not.to.include('ASIA')
    const allowed = await get(url, {Authorization: token})
    expect(allowed.status).to.equal(200)
    expect(JSON.parse(allowed.body)).to.have.keys('AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration')

    const cli = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', world.aws.url], {
      env: awsCliEnv(world.sandbox.home, {
        AWS_CONTAINER_AUTHORIZATION_TOKEN: 'wrong',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: url,
        AWS_REGION: 'eu-west-1',
      }),
    }).then(
      () => ({code: 0, stderr: ''}),
      (error: {code: number; stderr: string}) => error,
    )
    expect(cli.code).to.not.equal(0)
    expect(cli.stderr).to.match(/credentials/i)
    expect((await served.finish(0)).code).to.equal(0)
  })

  it('refreshes before expiry: every served credential has more than AWS_MIN_TTL left and works; a burst at expiry makes one STS call', async () => {
    const served = await ServedRun.start(world, 'bob', ['--ecs-server', '--lazy', '--duration', '15m', '--debug'], {
      AWS_MIN_TTL: REFRESH_WINDOW.minTtl,
    })
    const options = {
      awsContainerAuthorizationToken: served.env.AWS_CONTAINER_AUTHORIZATION_TOKEN!,
      awsContainerCredentialsFullUri: served.env.AWS_CONTAINER_CREDENTIALS_FULL_URI!,
    }
    expect(world.aws.callsOf('GetSessionToken'), '--lazy fetches nothing before the first request').to.have.length(0)
    const polls: string[] = []
    let held: SdkCredentials | undefined
    for (let poll = 0; poll < 3; poll++) {
      if (held) await untilStale(held)
      const credentials = await burstAtExpiry(world, () => fromHttp(options)())
      expect(
        await world.identity({
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          SessionToken: credentials.sessionToken!,
          Version: 1,
        } satisfies ProcessCredentials),
      ).to.equal(`arn:aws:iam::${ACCOUNT}:user/bob`)
      polls.push(credentials.accessKeyId)
      held = credentials
    }
    expect(new Set(polls).size, 'new credentials at each poll').to.equal(3)
    const ended = await served.finish(0)
    expect(ended.code).to.equal(0)
    expect(world.aws.callsOf('GetSessionToken'), 'one STS call per refresh').to.have.length(credentialFetches(ended.stderr))
  })

  it('keeps the real AWS CLI working across refreshes', async () => {
    const loop = `for i in 1 2 3; do /usr/bin/aws sts get-caller-identity --endpoint-url ${world.aws.url} --query Arn --output text || exit 9; sleep 3.5; done`
    const result = await world.run(
      ['exec', 'bob', '--ecs-server', '--duration', '15m', '--debug', '--', 'sh', '-c', loop],
      {AWS_MIN_TTL: '14m57s'},
      60_000,
    )
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout.trim().split('\n')).to.deep.equal(Array(3).fill(`arn:aws:iam::${ACCOUNT}:user/bob`))
    const keys = world.aws.callsOf('GetCallerIdentity').map((call) => call.accessKeyId)
    expect(new Set(keys).size, 'each CLI run got newer credentials').to.equal(3)
    // At least one refresh per run (the sleep outlasts the 3 s window); more when a slow start let the
    // first credentials go stale: each refresh one STS call.
    const fetches = credentialFetches(result.stderr)
    expect(fetches).to.be.at.least(3)
    expect(world.aws.callsOf('GetSessionToken'), 'one STS call per refresh').to.have.length(fetches)
  })

  it('fetches at start unless --lazy, and fails before running the command when it cannot', async () => {
    const eager = await ServedRun.start(world, 'bob', ['--ecs-server'])
    expect(world.aws.callsOf('GetSessionToken')).to.have.length(1)
    await eager.finish(0)
    const failed = await world.run(['exec', 'empty', '--ecs-server', '--', 'sh', '-c', 'echo child ran'])
    expect(failed.code).to.equal(3)
    expect(failed.stdout).to.equal('')
    expect(failed.stderr.split('\n')[0]).to.equal(
      `vault: no credentials stored for profile "empty" in the "file" backend (${world.sandbox.keysDir})`,
    )
  })

  it('with --lazy, reports a failure to the client as a 500 with the message, the command still runs', async () => {
    const served = await ServedRun.start(world, 'empty', ['--ecs-server', '--lazy'])
    const answer = await get(served.env.AWS_CONTAINER_CREDENTIALS_FULL_URI!, {Authorization: served.env.AWS_CONTAINER_AUTHORIZATION_TOKEN!})
    expect(answer.status).to.equal(500)
    expect(JSON.parse(answer.body)).to.deep.equal({
      Message: `no credentials stored for profile "empty" in the "file" backend (${world.sandbox.keysDir})`,
    })
    expect((await served.finish(4)).code).to.equal(4)
  })

  it('needs a prompt that is not the terminal for MFA; --mfa-token serves the first session', async () => {
    const terminal = await world.run(['exec', 'alice', '--ecs-server', '--prompt', 'terminal', '--', 'true'])
    expect(terminal.code).to.equal(2)
    expect(terminal.stderr.split('\n')[0]).to.equal(
      "vault: can't use --prompt=terminal with --ecs-server. Specify a different prompt driver",
    )
    const none = await world.run(['exec', 'alice', '--ecs-server', '--', 'sh', '-c', 'echo child ran'])
    expect(none.code).to.equal(2)
    expect(none.stdout).to.equal('')
    expect(none.stderr.split('\n')[0]).to.match(/^vault: no way to ask for an MFA code here \(terminal: not in server mode/)
    const result = await world.run([
      'exec',
      'alice',
      '--ecs-server',
      '--mfa-token',
      world.freshCode('alice'),
      '--',
      '/usr/bin/aws',
      'sts',
      'get-caller-identity',
      '--endpoint-url',
      world.aws.url,
      '--query',
      'Arn',
      '--output',
      'text',
    ])
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout.trim()).to.equal(`arn:aws:iam::${ACCOUNT}:user/alice`)
    expect(world.aws.callsOf('GetSessionToken').at(-1)?.principal?.source).to.equal('long-term')
  })

  it("refuses aws-vault's incompatible flag combinations before any work", async () => {
    const cases: Array<[string[], string]> = [
      [['--ecs-server', '--ec2-server'], "can't use --ec2-server with --ecs-server"],
      [['--server', '--json'], "can't use --ecs-server with --json"],
      [['-s', '--no-session'], "can't use --ecs-server with --no-session"],
      [['--ec2-server', '--json'], "can't use --ec2-server with --json"],
      [['--ec2-server', '--no-session'], "can't use --ec2-server with --no-session"],
      [['--ec2-address', '127.0.0.1:0'], '--ec2-address needs --ec2-server'],
    ]
    for (const [flags, message] of cases) {
      const result = await world.run(['exec', 'bob', ...flags, '--', 'true'])
      expect(result.code, flags.join(' ')).to.equal(2)
      expect(result.stderr.split('\n')[0], flags.join(' ')).to.equal(`vault: ${message}`)
    }
    expect(world.aws.calls).to.have.length(0)
  })

  it("exits with the command's exit code and dies of its signal", async () => {
    const code = await world.run(['exec', 'bob', '--ecs-server', '--', 'sh', '-c', 'exit 42'])
    expect(code.code).to.equal(42)
    const signal = await world.run(['exec', 'bob', '--ecs-server', '--', 'sh', '-c', 'kill -TERM $$'])
    expect(signal.signal).to.equal('SIGTERM')
  })

  it('forwards SIGTERM to the command and stops the server when the command ends', async () => {
    const script = 'trap "exit 7" TERM; env; echo --child-ready--; while :; do sleep 0.05; done'
    const served = await ServedRun.start(world, 'bob', ['--ecs-server'], {}, script)
    const url = served.env.AWS_CONTAINER_CREDENTIALS_FULL_URI!
    expect((await get(url, {Authorization: served.env.AWS_CONTAINER_AUTHORIZATION_TOKEN!})).status).to.equal(200)
    served.child.kill('SIGTERM')
    const ended = await served.ended()
    expect(ended.code).to.equal(7)
    const after = await get(url, {}).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    )
    expect(after).to.equal('ECONNREFUSED')
  })

  it('--debug logs each request without the token or the credentials', async () => {
    const served = await ServedRun.start(world, 'bob', ['--ecs-server', '--debug'])
    const token = served.env.AWS_CONTAINER_AUTHORIZATION_TOKEN!
    const answer = await get(served.env.AWS_CONTAINER_CREDENTIALS_FULL_URI!, {Authorization: token})
    await get(served.env.AWS_CONTAINER_CREDENTIALS_FULL_URI!, {Authorization: 'wrong'})
    const body = JSON.parse(answer.body) as {SecretAccessKey: string; Token: string}
    const ended = await served.finish(0)
    expect(ended.stderr).to.match(/vault: debug: ecs server: 127\.0\.0\.1 GET \/ 200 \(/)
    expect(ended.stderr).to.match(/vault: debug: ecs server: 127\.0\.0\.1 GET \/ 403 \(/)
    expect(ended.stderr).not.to.include(token)
    expect(ended.stderr).not.to.include(body.SecretAccessKey)
    expect(ended.stderr).not.to.include(body.Token)
  })
})
