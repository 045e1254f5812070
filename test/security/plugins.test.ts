// Plugins gone wrong: hooks and backends that fail quoting the secrets they can reach, hooks
// that never answer, and plugin code that ends the process. vault prints none of those secrets,
// reports the plugin, and never lets an early exit pass for success.
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {vaultBin} from '../helpers/cli.ts'
import {leaks, newSecretKey, registerSecret, secretsIn} from './support/transcript.ts'
import {World} from './support/world.ts'

const PLUGIN = join(import.meta.dirname, 'fixtures', 'vault-security-broken-plugin')

describe('broken and hostile plugins (built binary)', function () {
  this.timeout(120_000)
  let world: World
  let sessionToken: string

  before(async function () {
    world = new World()
    world.writeConfig('[profile work]\n[profile plugged]\n')
    await world.addKey('work')
    execFileSync(process.execPath, [vaultBin, 'plugins', 'link', '--no-install', PLUGIN], {
      cwd: world.home,
      env: world.env(),
      stdio: 'pipe',
    })
    // What the "echo" backend quotes when it fails: an item with a secret key and its base64.
    const secret = newSecretKey()
    const data = Buffer.from(
      JSON.stringify({AccessKeyID: 'AKIAIOSFODNN7EXAMPLE', SecretAccessKey: secret, SessionToken: `IQo${newSecretKey()}${newSecretKey()}`}),
    ).toString('base64')
    writeFileSync(join(world.home, 'echo-store.json'), JSON.stringify({Data: data, Key: 'work', SecretAccessKey: secret}))
    sessionToken = registerSecret('session token', `FwoG${newSecretKey()}${newSecretKey()}`)
  })

  after(function () {
    world?.cleanup()
  })

  const withPlugin = (mode: string, extra: Record<string, string> = {}) => ({
    env: {AWS_SESSION_TOKEN: sessionToken, FIXTURE_MODE: mode, ...extra},
  })
  const marker = () => join(world.home, `child-ran-${Math.random().toString(36).slice(2)}`)
  const childMarking = (path: string) => ['--', '/bin/sh', '-c', `: > ${path}`]

  it('a hook failing with the secrets it can reach: a warning naming the plugin, no secret, and the command still runs', async function () {
    const ran = marker()
    const result = await world.run(
      ['exec', 'work', '--no-session', ...childMarking(ran)],
      withPlugin('discovery-throws', {AWS_SECRET_ACCESS_KEY: newSecretKey()}),
    )
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.match(/^vault: warning: Plugin vault-security-broken-plugin: the vault:backends hook failed: /m)
    expect(secretsIn(result.stderr)).to.deep.equal([])
    expect(existsSync(ran)).to.equal(true)
  })

  it('a hook that never answers: a warning after the plugin timeout, and the command still runs', async function () {
    const ran = marker()
    const result = await world.run(['exec', 'work', '--no-session', ...childMarking(ran)], withPlugin('discovery-hangs'))
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.match(/Plugin vault-security-broken-plugin: the vault:backends hook did not answer within \d+ ms/)
    expect(existsSync(ran)).to.equal(true)
  })

  it('a backend or credential source failing with the item or keys it holds: one line naming no secret, in text, --debug and --json', async function () {
    const cases: Array<[string, string[], number]> = [
      ['open-throws', ['exec', 'work', '--backend', 'echo', '--no-session', '--', 'true'], 69],
      ['get-corrupt', ['exec', 'work', '--backend', 'echo', '--no-session', '--', 'true'], 69],
      ['get-throws', ['exec', 'work', '--backend', 'echo', '--no-session', '--', 'true'], 1],
      ['get-throws', ['add', 'more', '--backend', 'echo', '--env', '--no-add-config'], 1],
      ['source-throws', ['exec', 'plugged', '--no-session', '--', 'true'], 1],
    ]
    for (const [mode, args, code] of cases) {
      for (const extra of [[], ['--debug'], ['--json']]) {
        if (extra[0] === '--json' && args[0] === 'exec') continue
        const keys: Record<string, string> =
          args[0] === 'add' ? {AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: newSecretKey()} : {}
        const result = await world.run([...args, ...extra], withPlugin(mode, keys))
        expect(result.code, `${mode} ${args.join(' ')} ${extra.join(' ')}: ${result.stderr}`).to.equal(code)
        expect(secretsIn(result.stderr + result.stdout), `${mode} ${args.join(' ')} ${extra.join(' ')}`).to.deep.equal([])
        if (extra.length === 0) expect(result.stderr).to.match(/^vault: .*\[redacted\]/)
      }
    }
  })

  it('plugin code that ends the process or never answers (discovery, open, a credential source) never passes for success, and the next run works', async function () {
    for (const [mode, args] of [
      ['discovery-exits', ['exec', 'work', '--no-session']],
      ['open-exits', ['exec', 'work', '--backend', 'echo', '--no-session']],
      ['open-hangs', ['exec', 'work', '--backend', 'echo', '--no-session']],
      ['source-exits', ['exec', 'plugged', '--no-session']],
    ] as const) {
      const ran = marker()
      const result = await world.run([...args, ...childMarking(ran)], withPlugin(mode))
      expect(result.code, `${mode}: ${result.stderr}`).to.equal(1)
      expect(result.stderr).to.include('the process was ended before the command finished')
      expect(existsSync(ran), `${mode}: the command did not run`).to.equal(false)
    }
    const ran = marker()
    const after = await world.run(['exec', 'work', '--no-session', ...childMarking(ran)])
    expect(after.code, after.stderr).to.equal(0)
    expect(existsSync(ran)).to.equal(true)
  })

  it('everything vault printed in this file holds none of the test secrets', function () {
    expect(leaks().join('\n')).to.equal('')
  })
})
