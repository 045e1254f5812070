import {expect} from 'chai'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {keyringAt} from '../../plugins/backend-file/test/support.ts'
import {formatSessionKey} from '../../src/lib/keyring/session-key.ts'
import {encodeSession} from '../../src/lib/keyring/session-store.ts'
import {runNode, Sandbox, vaultBin, watchModules, type RunResult} from '../helpers/cli.ts'

// Both runs of a form see the same clock, so the time left on each session prints the same.
const now = Date.UTC(2030, 0, 2, 3, 4, 5)
const frozenClock = `data:text/javascript,${encodeURIComponent(`Date.now = () => ${now}`)}`

describe('vault list answered before oclif loads (built binary)', function () {
  this.timeout(120_000)
  const sandbox = new Sandbox()
  const start = 'https://corp.awsapps.com/start'

  before(async () => {
    sandbox.writeConfig(
      `[default]\nregion = eu-west-1\n\n[profile work]\nregion = eu-west-1\n\n[profile 100%]\nregion = eu-west-1\n\n[profile sso]\nsso_start_url = ${start}\nsso_region = eu-west-1\n`,
    )
    await sandbox.addKey('work', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
    await sandbox.addKey('orphan', 'AKIAIOSFODNN7EXAMPLF', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ')
    const store = keyringAt(sandbox.keysDir, sandbox.passphrase)
    const session = (expiration: Date) => encodeSession({accessKeyId: 'ASIAEXAMPLE', expiration, secretAccessKey: 's', sessionToken: 't'})
    const soon = new Date(now + 3_725_000)
    const past = new Date(now - 90_000)
    for (const [profileName, type, expiration] of [
      ['work', 'sts.GetSessionToken', soon],
      ['work', 'sts.AssumeRole', past],
      ['gone', 'sts.AssumeRole', soon],
    ] as const) {
      await store.set({data: session(expiration), key: formatSessionKey({expiration, mfaSerial: '', profileName, type})})
    }
    const token = JSON.stringify({Expiration: soon.toISOString(), Token: {AccessToken: 'opaque'}})
    await store.set({data: new TextEncoder().encode(token), key: `oidc:${start}`})
  })

  after(() => sandbox.cleanup())

  function run(args: string[], node: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
    return runNode([...node, vaultBin, ...args], {cwd: sandbox.home, env: sandbox.env(env)})
  }

  it('prints byte for byte what the full command prints, for every form, without loading oclif', async () => {
    const forms = [
      ['list'],
      ['list', '--profiles'],
      ['list', '--credentials'],
      ['list', '--sessions'],
      ['list', '--json'],
      ['list', '--sessions', '--json'],
      ['ls', '--credentials'],
      ['--backend', 'file', 'list'],
      [`--file-dir=${sandbox.keysDir}`, 'list', '--sessions'],
    ]
    for (const form of forms) {
      const taken = await run(form, ['--import', frozenClock, '--import', watchModules])
      // --no-debug changes nothing for oclif, and is not a form the start path takes.
      const full = await run([...form, '--no-debug'], ['--import', frozenClock, '--import', watchModules])
      expect(full.stderr, form.join(' ')).to.match(/^oclif-modules=[1-9]/)
      expect(full.code, full.stderr).to.equal(0)
      expect(taken.code, taken.stderr).to.equal(0)
      expect(taken.stdout, form.join(' ')).to.equal(full.stdout)
      // argv.js and the bundle.
      expect(taken.stderr, form.join(' ')).to.equal('oclif-modules=0 vault-modules=2')
    }
    const table = (await run(['list'], ['--import', frozenClock])).stdout
    expect(table).to.match(/^work +work +sts\.AssumeRole:-1m30s, sts\.GetSessionToken:1h2m5s +$/m)
    expect(table).to.contain(`oidc:${start}`)
    expect(table).to.match(/^-\s+orphan\s+-/m)
  })

  it('needs no passphrase, as the full command does not', async () => {
    const taken = await run(['list'], ['--import', frozenClock, '--import', watchModules], {AWS_VAULT_FILE_PASSPHRASE: undefined})
    const full = await run(['list', '--no-debug'], ['--import', frozenClock], {AWS_VAULT_FILE_PASSPHRASE: undefined})
    expect(taken.stderr).to.equal('oclif-modules=0 vault-modules=2')
    expect(taken.stdout).to.equal(full.stdout)
  })

  it('leaves two modes at once, other forms, debug output and a JSON theme to the full command', async () => {
    const cases: Array<[string[], Record<string, string | undefined>]> = [
      [['list', '--profiles', '--sessions'], {}],
      [['list', '--no-profiles'], {}],
      [['list', '--profiles', '--profiles'], {}],
      [['list', 'extra'], {}],
      [['list', '--debug'], {}],
      [['list'], {DEBUG: '*'}],
      [['list', '--json'], {VAULT_CONFIG_DIR: join(sandbox.home, 'themed')}],
    ]
    mkdirSync(join(sandbox.home, 'themed'), {recursive: true})
    writeFileSync(join(sandbox.home, 'themed', 'theme.json'), '{"json": {"key": "blue"}}')
    for (const [form, env] of cases) {
      const watched = await run(form, ['--import', watchModules], env)
      expect(watched.stderr, form.join(' ')).to.match(/oclif-modules=[1-9]/)
    }
    const both = await run(['list', '--profiles', '--sessions'], [])
    expect(both.code).to.equal(2)
    expect(both.stderr).to.equal('vault: --profiles and --sessions cannot be used together\nTry this: see `vault list --help`\n')
  })
})
