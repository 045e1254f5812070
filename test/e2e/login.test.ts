// vault login against the emulator: which credentials sign in, the URL per partition, the browser.
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {repoRoot, Sandbox, vaultBin, type RunResult} from '../helpers/cli.ts'
import {startEmulator, type Emulator} from '../helpers/emulator.ts'
import {patient} from '../helpers/patience.ts'

const ACCOUNT = '123456789012'
const START_URL = 'https://d-1234567890.awsapps.com/start'
const ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'

describe('vault login (built binary, emulator)', function () {
  this.timeout(60_000)
  let aws: Emulator
  let sandbox: Sandbox

  const env = (extra: Record<string, string | undefined> = {}) => ({
    AWS_ENDPOINT_URL: aws.url,
    AWS_VAULT_FEDERATION_URL: aws.federationUrl,
    ...extra,
  })
  const login = (args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> =>
    sandbox.run(['login', ...args], {env: env(extra)})
  const urlOf = (result: RunResult): string => {
    expect(result.code, result.stderr).to.equal(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines).to.have.length(1)
    return lines[0]!
  }
  const destinationOf = (url: string) => new URL(url).searchParams.get('Destination')

  before(async () => {
    aws = await startEmulator({
      roles: [{name: 'readonly'}],
      sso: {accounts: [{accountId: '111111111111', roles: ['Developer']}], userName: 'dana@example.com'},
      users: [{name: 'bob'}, {mfa: true, name: 'alice'}, {name: 'carol', requireMfa: true}],
    })
    sandbox = new Sandbox()
    sandbox.writeConfig(`
[profile bob]
region = eu-west-1

[profile alice]
region = eu-west-1
mfa_serial = ${aws.user('alice').mfaSerial}

[profile carol]
region = eu-west-1

[profile noregion]
source_profile = bob

[profile readonly]
region = eu-west-1
source_profile = bob
role_arn = ${aws.role('readonly').arn}

[profile china]
region = cn-north-1
source_profile = bob

[profile govcloud]
region = us-gov-west-1
source_profile = bob

[profile sso]
region = eu-central-1
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Developer
`)
    for (const user of ['bob', 'alice', 'carol']) {
      const key = aws.credentials(user)
      await sandbox.addKey(user, key.accessKeyId, key.secretAccessKey)
    }
  })

  after(async () => {
    sandbox.cleanup()
    await aws.stop()
  })

  beforeEach(() => {
    aws.clearCalls()
    aws.clearFaults()
  })

  describe('an IAM user with stored keys', () => {
    it('signs in through GetFederationToken named after the user (GetUser), with the allow-all policy, for 1h', async () => {
      const url = urlOf(await login(['bob', '--stdout']))
      expect(url.startsWith(`${aws.federationUrl}?Action=login&Issuer=vault&Destination=`)).to.equal(true)
      const signedIn = aws.verifyLoginUrl(url)
      expect(signedIn.arn).to.equal(`arn:aws:sts::${ACCOUNT}:federated-user/bob`)
      expect(signedIn.destination).to.equal('https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1')
      expect(aws.calls.map((call) => call.action)).to.deep.equal(['GetUser', 'GetFederationToken', 'getSigninToken'])
      const federation = aws.callsOf('GetFederationToken')[0]!
      expect(federation.params).to.include({DurationSeconds: '3600', Name: 'bob', Policy: ALLOW_ALL})
      expect(federation.principal?.source).to.equal('long-term')
    })

    it('uses the stored keys even when the profile has mfa_serial: no GetSessionToken, no MFA prompt', async () => {
      const url = urlOf(await login(['alice', '--stdout']))
      expect(aws.verifyLoginUrl(url).arn).to.equal(`arn:aws:sts::${ACCOUNT}:federated-user/alice`)
      expect(aws.callsOf('GetSessionToken')).to.have.length(0)
    })

    it('--duration and AWS_FEDERATION_TOKEN_TTL set the federation token length (the flag wins)', async () => {
      urlOf(await login(['bob', '--stdout'], {AWS_FEDERATION_TOKEN_TTL: '30m'}))
      urlOf(await login(['bob', '--stdout', '--duration', '2h'], {AWS_FEDERATION_TOKEN_TTL: '30m'}))
      expect(aws.callsOf('GetFederationToken').map((call) => call.params.DurationSeconds)).to.deep.equal(['1800', '7200'])
    })

    it('names the user from the refusal when a policy demanding MFA denies GetUser', async () => {
      const url = urlOf(await login(['carol', '--stdout']))
      expect(aws.callsOf('GetUser')[0]!.outcome.status).to.equal(403)
      expect(aws.callsOf('GetFederationToken')[0]!.params.Name).to.equal('carol')
      expect(aws.verifyLoginUrl(url).arn).to.equal(`arn:aws:sts::${ACCOUNT}:federated-user/carol`)
    })

    it('a GetFederationToken refused for want of MFA says so and suggests a role profile', async () => {
      aws.fail('GetFederationToken', {
        code: 'AccessDenied',
        message: `User: arn:aws:iam::${ACCOUNT}:user/bob is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::${ACCOUNT}:federated-user/bob with an explicit deny in an identity-based policy`,
        status: 403,
      })
      const result = await login(['bob', '--stdout'])
      expect(result.code).to.equal(1)
      expect(result.stdout).to.equal('')
      expect(result.stderr).to.match(/^vault: GetFederationToken was refused, most likely because your IAM policy demands MFA/)
      expect(result.stderr).to.match(
        /Try this: sign in to the console through a role instead: a profile with role_arn, source_profile and mfa_serial/,
      )
      expect(result.stderr.trim().split('\n')).to.have.length(2)
      expect(aws.callsOf('getSigninToken')).to.have.length(0)
    })

    it('a profile with a source_profile and no role federates the source keys; no region opens the global console', async () => {
      const url = urlOf(await login(['noregion', '--stdout']))
      expect(destinationOf(url)).to.equal('https://console.aws.amazon.com/')
      expect(aws.verifyLoginUrl(url).arn).to.equal(`arn:aws:sts::${ACCOUNT}:federated-user/bob`)
    })
  })

  describe('temporary credentials are used as they are', () => {
    it('a role profile signs in with the role session: no GetFederationToken', async () => {
      const url = urlOf(await login(['readonly', '--stdout']))
      expect(aws.verifyLoginUrl(url).arn).to.match(new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/readonly/\\d+$`))
      expect(aws.callsOf('GetFederationToken')).to.have.length(0)
      expect(aws.callsOf('AssumeRole')).to.have.length(1)
    })

    it('an SSO profile signs in with its role credentials', async () => {
      const child = spawn(process.execPath, [vaultBin, 'login', 'sso', '--stdout'], {
        cwd: repoRoot,
        env: sandbox.env(env()),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
      const deadline = Date.now() + patient(30_000)
      while (!/shows the code (\S+)/.test(stderr)) {
        if (Date.now() > deadline) throw new Error(`no sign-in prompt: ${stderr}`)
        await sleep(20)
      }
      aws.approveDevice(/shows the code (\S+)/.exec(stderr)![1]!)
      expect(await closed, stderr).to.equal(0)
      const signedIn = aws.verifyLoginUrl(stdout.trim())
      expect(signedIn.arn).to.match(/^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_Developer_[0-9a-f]+\/dana@example\.com$/)
      expect(signedIn.destination).to.equal('https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1')
      expect(aws.callsOf('GetFederationToken')).to.have.length(0)
    })
  })

  describe('the console URL', () => {
    it('--path opens that page in the region; --region overrides the profile', async () => {
      const url = urlOf(await login(['readonly', '--stdout', '--path', 's3/home', '--region', 'ap-southeast-2']))
      expect(aws.verifyLoginUrl(url).destination).to.equal('https://ap-southeast-2.console.aws.amazon.com/s3/home?region=ap-southeast-2')
    })

    it('cn-* regions land on the aws-cn console', async () => {
      const url = urlOf(await login(['china', '--stdout']))
      expect(aws.verifyLoginUrl(url).destination).to.equal('https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1')
    })

    it('us-gov-* regions land on the GovCloud console', async () => {
      const url = urlOf(await login(['govcloud', '--stdout', '--path', 'ec2/v2/home']))
      expect(aws.verifyLoginUrl(url).destination).to.equal(
        'https://us-gov-west-1.console.amazonaws-us-gov.com/ec2/v2/home?region=us-gov-west-1',
      )
    })
  })

  describe('without a profile', () => {
    it('long-term keys in the environment go through GetFederationToken', async () => {
      const bob = aws.credentials('bob')
      const url = urlOf(
        await login(['--stdout'], {
          AWS_ACCESS_KEY_ID: bob.accessKeyId,
          AWS_REGION: 'eu-west-2',
          AWS_SECRET_ACCESS_KEY: bob.secretAccessKey,
        }),
      )
      const signedIn = aws.verifyLoginUrl(url)
      expect(signedIn.arn).to.equal(`arn:aws:sts::${ACCOUNT}:federated-user/bob`)
      expect(signedIn.destination).to.equal('https://eu-west-2.console.aws.amazon.com/console/home?region=eu-west-2')
    })

    it('temporary credentials in the environment (from vault exec) are used as they are', async () => {
      const exported = await sandbox.run(['export', 'readonly', '--format', 'json'], {env: env()})
      expect(exported.code, exported.stderr).to.equal(0)
      const session = JSON.parse(exported.stdout) as {AccessKeyId: string; SecretAccessKey: string; SessionToken: string}
      aws.clearCalls()
      const url = urlOf(
        await login(['--stdout'], {
          AWS_ACCESS_KEY_ID: session.AccessKeyId,
          AWS_SECRET_ACCESS_KEY: session.SecretAccessKey,
          AWS_SESSION_TOKEN: session.SessionToken,
        }),
      )
      expect(aws.verifyLoginUrl(url).arn).to.match(/assumed-role\/readonly\//)
      expect(aws.calls.map((call) => call.action)).to.deep.equal(['getSigninToken'])
    })

    it('with neither a profile nor credentials in the environment: a usage error', async () => {
      const result = await login(['--stdout'])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/^vault: no profile given and no AWS credentials in the environment/)
    })
  })

  describe('the browser', () => {
    it('runs BROWSER with the URL and prints nothing', async () => {
      const record = join(sandbox.home, 'opened-url')
      const browser = join(sandbox.home, 'browser.sh')
      writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`, {mode: 0o700})
      const result = await login(['readonly'], {BROWSER: browser})
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.equal('')
      const opened = readFileSync(record, 'utf8')
      expect(aws.verifyLoginUrl(opened).arn).to.match(/assumed-role\/readonly\//)
    })

    it("tries BROWSER's commands in order, %s standing for the URL", async () => {
      const record = join(sandbox.home, 'second-browser-url')
      const browser = join(sandbox.home, 'second.sh')
      writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$2" > '${record}'\n`, {mode: 0o700})
      const result = await login(['readonly'], {BROWSER: `/nonexistent/browser:${browser} --new-tab %s`})
      expect(result.code, result.stderr).to.equal(0)
      expect(aws.verifyLoginUrl(readFileSync(record, 'utf8')).arn).to.match(/assumed-role\/readonly\//)
    })

    it('prints the URL when no browser can be opened', async () => {
      const result = await login(['readonly'], {BROWSER: 'false'})
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.include('vault: could not open a browser (false exited with code 1); open this URL yourself:')
      expect(aws.verifyLoginUrl(result.stdout.trim()).arn).to.match(/assumed-role\/readonly\//)
    })
  })
})
