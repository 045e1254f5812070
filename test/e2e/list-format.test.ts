import {expect} from 'chai'

import {keyringAt} from '../../plugins/backend-file/test/support.ts'
import {formatSessionKey} from '../../src/lib/keyring/session-key.ts'
import {encodeSession} from '../../src/lib/keyring/session-store.ts'
import {Sandbox} from '../helpers/cli.ts'

// What scripts parse: aws-vault v7.2's `list --sessions` lines and its tabwriter table, with cached
// SSO tokens as `oidc:<start url>` (aws-vault never ties a token to a profile in the table).
describe('vault list in aws-vault’s format (built binary)', function () {
  this.timeout(60_000)
  const sandbox = new Sandbox()
  const start = 'https://corp.awsapps.com/start'

  before(async () => {
    sandbox.writeConfig(`[profile work]\nregion = eu-west-1\n\n[profile sso]\nsso_start_url = ${start}\nsso_region = eu-west-1\n`)
    await sandbox.addKey('work', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
    const store = keyringAt(sandbox.keysDir, sandbox.passphrase)
    // Half a minute off the minute, so the printed seconds stay two digits while the test runs.
    const expiration = new Date(Date.now() + 3600_000 - 30_000)
    const session = encodeSession({accessKeyId: 'ASIAEXAMPLE', expiration, secretAccessKey: 's', sessionToken: 't'})
    await store.set({data: session, key: formatSessionKey({expiration, mfaSerial: '', profileName: 'work', type: 'sts.GetSessionToken'})})
    await store.set({data: session, key: formatSessionKey({expiration, mfaSerial: '', profileName: 'gone', type: 'sts.AssumeRole'})})
    const token = JSON.stringify({Expiration: expiration.toISOString(), Token: {AccessToken: 'opaque'}})
    await store.set({data: new TextEncoder().encode(token), key: `oidc:${start}`})
  })

  after(() => sandbox.cleanup())

  it('list --sessions: oidc:<start url>, then <type>:<time left> per session', async () => {
    const result = await sandbox.run(['list', '--sessions'])
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.match(new RegExp(`^oidc:${start}\\n(sts\\.(GetSessionToken|AssumeRole):59m\\d\\ds\\n){2}$`))
  })

  it('the table: cells padded to 25 columns, sessions of unknown profiles and SSO tokens on rows of their own', async () => {
    const result = await sandbox.run(['list'])
    expect(result.code, result.stderr).to.equal(0)
    // Each column as wide as its longest cell plus two, at least 25: the last one fits the start URL.
    const last = `oidc:${start}`.length + 2
    const row = (a: string, b: string, c: string) => `${a.padEnd(25)}${b.padEnd(25)}${c.padEnd(last)}`
    const expected = [
      row('Profile', 'Credentials', 'Sessions'),
      row('=======', '===========', '========'),
      row('work', 'work', 'sts.GetSessionToken:59m00s'),
      row('sso', '-', '-'),
      row('-', '-', `oidc:${start}`),
      row('-', '-', 'sts.AssumeRole:59m00s'),
      '',
    ]
    const seconds = (text: string) => text.replace(/59m\d\ds/g, '59m00s')
    expect(seconds(result.stdout)).to.equal(expected.join('\n'))
  })

  it('--json carries the SSO tokens', async () => {
    const result = await sandbox.run(['list', '--json'])
    expect(JSON.parse(result.stdout).result.ssoTokens).to.deep.equal([start])
  })
})
