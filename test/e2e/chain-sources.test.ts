// The host's credential sources, registered through vault:sources: credential_process, web identity, SSO.
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {repoRoot, vaultBin} from '../helpers/cli.ts'
import type {Seed} from '../helpers/emulator.ts'
import {ChainWorld, type ProcessCredentials} from './chain-helpers.ts'
import {patient} from '../helpers/patience.ts'

const ACCOUNT = '123456789012'
const ISSUER = 'https://token.actions.example.com'
const START_URL = 'https://d-1234567890.awsapps.com/start'

const seed: Seed = {
  oidcProviders: [{clientIds: ['sts.amazonaws.com'], url: ISSUER}],
  roles: [{name: 'ci', trust: {federated: [`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.example.com`]}}, {name: 'deployer'}],
  sso: {accounts: [{accountId: '111111111111', roles: ['Developer']}], userName: 'dana@example.com'},
  users: [{name: 'bob'}],
}

describe('credential sources through vault:sources (built binary)', function () {
  this.timeout(60_000)
  let world: ChainWorld
  let home: string

  const processScript = (name: string, output: string) => {
    const script = join(home, `${name}.sh`)
    writeFileSync(script, `#!/bin/sh\necho run >> '${home}/${name}.runs'\ncat <<'JSON'\n${output}\nJSON\n`, {mode: 0o700})
    return script
  }
  const runs = (name: string) =>
    existsSync(join(home, `${name}.runs`))
      ? readFileSync(join(home, `${name}.runs`), 'utf8')
          .trim()
          .split('\n').length
      : 0

  async function setUp(withSeed: Seed): Promise<void> {
    world = await ChainWorld.start(withSeed, () => '', [])
    home = world.sandbox.home
    const bob = world.aws.credentials('bob')
    const expiring = JSON.stringify({
      AccessKeyId: bob.accessKeyId,
      // Fractions and an offset: allowed by the spec, refused by aws-vault (#1182).
      Expiration: new Date(Date.now() + 3600_000).toISOString().replace('Z', '+00:00'),
      SecretAccessKey: bob.secretAccessKey,
      SessionToken: 'token-from-the-process',
      Version: 1,
    })
    const longTerm = JSON.stringify({AccessKeyId: bob.accessKeyId, SecretAccessKey: bob.secretAccessKey, Version: 1})
    writeFileSync(join(home, 'web-token'), world.aws.webIdentityToken({issuer: ISSUER, subject: 'repo:org/app'}))
    world.sandbox.writeConfig(`
[profile expiring]
credential_process = ${processScript('expiring', expiring)}

[profile long-term]
credential_process = ${processScript('long-term', longTerm)}

[profile version-two]
credential_process = ${processScript('version-two', JSON.stringify({AccessKeyId: 'AKIAEXAMPLE', SecretAccessKey: 'x', Version: 2}))}

[profile on-process]
region = eu-west-1
source_profile = long-term
role_arn = ${world.aws.role('deployer').arn}

[profile web-file]
region = eu-west-1
role_arn = ${world.aws.role('ci').arn}
web_identity_token_file = ${join(home, 'web-token')}

[profile web-process]
region = eu-west-1
role_arn = ${world.aws.role('ci').arn}
role_session_name = from-process
web_identity_token_process = cat ${join(home, 'web-token')}

[profile sso]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Developer
region = eu-west-1

[sso-session corp]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`)
  }

  beforeEach(() => setUp(seed))

  afterEach(() => world.stop())

  describe('credential_process', () => {
    it('accepts an Expiration with fractions and an offset, and caches what it printed', async () => {
      const first = await world.credentials('expiring')
      expect(first.SessionToken).to.equal('token-from-the-process')
      expect(first.Expiration).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(await world.credentials('expiring')).to.deep.equal(first)
      expect(runs('expiring')).to.equal(1)
      expect(world.stsCalls()).to.deep.equal([])
    })

    it('accepts long-term keys without SessionToken or Expiration (not cached: nothing says until when)', async () => {
      const credentials = await world.credentials('long-term')
      expect(credentials).to.deep.equal({
        AccessKeyId: world.aws.credentials('bob').accessKeyId,
        SecretAccessKey: world.aws.credentials('bob').secretAccessKey,
        Version: 1,
      })
      await world.credentials('long-term')
      expect(runs('long-term')).to.equal(2)
    })

    it('refuses an output of another Version in one line', async () => {
      const result = await world.run(['exec', 'version-two', '--json'])
      expect(result.code).to.equal(1)
      expect(result.stderr.split('\n')[0]).to.equal(
        'vault: credential_process of profile "version-two" printed no usable credentials: "Version" must be 1, not 2',
      )
    })

    it('serves as the source of a role', async () => {
      const credentials = await world.credentials('on-process')
      expect(world.stsCalls()).to.deep.equal([
        {action: 'AssumeRole', by: 'keys of bob', params: {DurationSeconds: '3600', RoleArn: world.aws.role('deployer').arn}},
      ])
      expect(await world.identity(credentials)).to.match(/:assumed-role\/deployer\//)
    })
  })

  describe('web identity', () => {
    it('web_identity_token_file: AssumeRoleWithWebIdentity, cached', async () => {
      const credentials = await world.credentials('web-file')
      await world.credentials('web-file')
      const calls = world.aws.calls.filter((call) => call.service === 'sts' && call.action !== 'GetCallerIdentity')
      expect(calls.map((call) => [call.action, call.params.RoleArn, call.params.DurationSeconds])).to.deep.equal([
        ['AssumeRoleWithWebIdentity', world.aws.role('ci').arn, '3600'],
      ])
      expect(await world.identity(credentials)).to.match(/:assumed-role\/ci\/\d{19}$/)
    })

    it('web_identity_token_process: the token the command prints', async () => {
      const credentials = await world.credentials('web-process')
      expect(await world.identity(credentials)).to.equal(`arn:aws:sts::${ACCOUNT}:assumed-role/ci/from-process`)
    })
  })

  describe('SSO', () => {
    async function signIn(
      profile: string,
      env: Record<string, string> = {},
      args: string[] = [],
    ): Promise<{credentials: ProcessCredentials; stderr: string}> {
      const child = spawn(process.execPath, [vaultBin, 'exec', profile, '--json', ...args], {
        cwd: repoRoot,
        env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url, ...env}),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
      // Approve in the "browser" once vault shows the code.
      const deadline = Date.now() + patient(30_000)
      while (!/check that it shows the code (\S+)/.test(stderr)) {
        if (Date.now() > deadline) throw new Error(`no sign-in prompt: ${stderr}`)
        await sleep(20)
      }
      const code = /check that it shows the code (\S+)/.exec(stderr)![1]!
      world.aws.approveDevice(code)
      expect(await closed, stderr).to.equal(0)
      return {credentials: JSON.parse(stdout) as ProcessCredentials, stderr}
    }

    it('signs in with the device flow, caches the token under oidc:<start url> and the role credentials', async () => {
      const {credentials, stderr} = await signIn('sso')
      expect(stderr).to.include(`to sign in to ${START_URL}, open ${world.aws.url}/device?user_code=`)
      expect(await world.identity(credentials)).to.match(
        /^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_Developer_[0-9a-f]+\/dana@example\.com$/,
      )
      const actions = world.aws.calls.filter((call) => call.service === 'sso' || call.service === 'sso-oidc').map((call) => call.action)
      expect(actions[0]).to.equal('RegisterClient')
      expect(actions[1]).to.equal('StartDeviceAuthorization')
      expect(actions.at(-1)).to.equal('GetRoleCredentials')
      expect(actions.filter((action) => action === 'GetRoleCredentials')).to.have.length(1)

      // The role credentials are cached: no call at all the second time.
      const before = world.aws.calls.length
      expect(await world.credentials('sso')).to.deep.equal(credentials)
      expect(world.aws.calls.length).to.equal(before)

      // vault list shows the SSO session; vault clear removes it and the token.
      const sessions = await world.run(['list', '--sessions'])
      // As aws-vault prints them: the SSO token first, then the role session.
      expect(sessions.stdout).to.match(/^oidc:https?:\/\/\S+\nsso\.GetRoleCredentials:\d+m\d+s\n$/)
      expect((await world.run(['clear'])).stdout).to.equal('Cleared 2 sessions.\n')
    })

    it('--stdout (or AWS_VAULT_STDOUT) prints the sign-in URL and opens no browser', async () => {
      // A display and an opener that logs what it was asked to open, in place of a browser.
      const bin = join(home, 'bin')
      const opened = join(home, 'opened.log')
      mkdirSync(bin, {recursive: true})
      writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" >> '${opened}'\n`, {mode: 0o700})
      const env = {DISPLAY: ':99', PATH: `${bin}:${process.env.PATH}`}
      const urlOf = (stderr: string) => /open (\S+) and check/.exec(stderr)?.[1] ?? 'none'
      const quiet = [
        urlOf((await signIn('sso', env, ['--stdout'])).stderr),
        (await world.run(['clear'])).code,
        urlOf((await signIn('sso', {...env, AWS_VAULT_STDOUT: 'true'})).stderr),
        (await world.run(['clear'])).code,
      ]
      expect(quiet[1]).to.equal(0)
      // Without it the browser is opened: once that URL is logged, the earlier ones would have been too.
      const shown = urlOf((await signIn('sso', env)).stderr)
      const deadline = Date.now() + patient(20_000)
      while (!(existsSync(opened) && readFileSync(opened, 'utf8').includes(shown)) && Date.now() < deadline) await sleep(20)
      expect(readFileSync(opened, 'utf8')).to.equal(`${shown}\n`)
      expect(quiet[0]).to.not.equal('none')
      expect(quiet[2]).to.not.equal('none')
    })

    const ssoActions = () =>
      world.aws.calls.filter((call) => call.service === 'sso' || call.service === 'sso-oidc').map((call) => call.action)

    it('a cached token serves new role credentials; one the portal refuses leads to one new sign-in', async () => {
      await signIn('sso')
      world.aws.clearCalls()
      // The role credentials last an hour: asking for two makes vault get new ones with the cached token.
      await world.credentials('sso', [], {AWS_MIN_TTL: '2h'})
      expect(ssoActions()).to.deep.equal(['GetRoleCredentials'])

      world.aws.clearCalls()
      world.aws.fail('GetRoleCredentials', 'UnauthorizedException', 1)
      const {credentials} = await signIn('sso', {AWS_MIN_TTL: '2h'})
      const actions = ssoActions()
      expect(actions.slice(0, 3)).to.deep.equal(['GetRoleCredentials', 'RegisterClient', 'StartDeviceAuthorization'])
      expect(actions.at(-1)).to.equal('GetRoleCredentials')
      expect(await world.identity(credentials)).to.match(/AWSReservedSSO_Developer_/)
    })

    it('sso_registration_scopes: an expiring token is refreshed without a new sign-in', async () => {
      await world.stop()
      await setUp({...seed, sso: {...seed.sso, accessTokenExpiresIn: 30}})
      await signIn('sso')
      world.aws.clearCalls()
      await world.credentials('sso', [], {AWS_MIN_TTL: '2h'})
      expect(ssoActions()).to.deep.equal(['CreateToken', 'GetRoleCredentials'])
      expect(world.aws.calls.find((call) => call.action === 'CreateToken')?.params.grantType).to.equal('refresh_token')
    })
  })
})
