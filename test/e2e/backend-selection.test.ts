import {expect} from 'chai'
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {Sandbox} from '../helpers/cli.ts'
import {linkPassPlugin, makePassStore, xdgEnv, type PassStore} from './backend-helpers.ts'

interface BackendRow {
  id: string
  plugin: string
  priority: number
  available: boolean
  reason: string
}

describe('backend selection on a headless machine (built binary, no D-Bus)', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let pass: PassStore | undefined
  // No AWS_VAULT_BACKEND: the choice is vault's. No session bus either.
  let headless: Record<string, string | undefined>

  beforeEach(async function () {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\n')
    await linkPassPlugin(sandbox)
    headless = {...xdgEnv(sandbox), AWS_VAULT_BACKEND: undefined}
  })

  afterEach(async function () {
    await pass?.gnupg.kill()
    pass = undefined
    sandbox.cleanup()
  })

  const add = (env: Record<string, string | undefined>) =>
    sandbox.run(['add', 'work', '--env', '--debug'], {
      env: {...env, AWS_ACCESS_KEY_ID: 'AKIASELECTION0000001', AWS_SECRET_ACCESS_KEY: 'selection-secret'},
    })

  it('names every discovered id when the requested backend is unknown', async function () {
    const result = await sandbox.run(['list'], {env: {...headless, AWS_VAULT_BACKEND: 'nope'}})
    expect(result.code).to.equal(2)
    const [first, ...rest] = result.stderr.trimEnd().split('\n')
    expect(first).to.equal('vault: unknown backend "nope" (known: keyring, secret-service, kwallet, pass, file)')
    expect(rest).to.deep.equal([
      'Try this: choose one of the ids `vault backends` lists',
      'Try this: install the plugin that provides it with `vault plugins install <name>`',
    ])
    const json = JSON.parse((await sandbox.run(['list', '--json'], {env: {...headless, AWS_VAULT_BACKEND: 'nope'}})).stdout)
    expect(json).to.include({code: 'BACKEND_UNKNOWN', status: 2})
  })

  it('falls through to pass when an initialised store exists', async function () {
    pass = await makePassStore(sandbox)
    const result = await add({...headless, ...pass.env})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.match(/using backend "pass" from @vault-aws\/plugin-backend-pass/)
    expect(existsSync(join(pass.store, 'work.gpg'))).to.equal(true)
    expect(existsSync(sandbox.keysDir)).to.equal(false)
  })

  it('falls through to file when the pass store is not initialised', async function () {
    pass = await makePassStore(sandbox, {initialise: false})
    const result = await add({...headless, ...pass.env})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.match(/using backend "file" from @vault-aws\/plugin-backend-file/)
    expect(readdirSync(sandbox.keysDir)).to.deep.equal(['work'])
  })

  it('shows in `vault backends` why each backend is or is not usable', async function () {
    pass = await makePassStore(sandbox)
    const rows = JSON.parse((await sandbox.run(['backends', '--json'], {env: {...headless, ...pass.env}})).stdout).result as BackendRow[]
    expect(rows.map((row) => [row.id, row.priority, row.available])).to.deep.equal([
      ['keyring', 30, false],
      ['secret-service', 29, false],
      ['kwallet', 25, false],
      ['pass', 20, true],
      ['file', 10, true],
    ])
    expect(rows[0]?.reason).to.equal('no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no $XDG_RUNTIME_DIR/bus')
    expect(rows[2]?.reason).to.equal('no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no $XDG_RUNTIME_DIR/bus')
    expect(rows[3]?.reason).to.equal(`initialised password store at ${pass.store}`)
    expect(rows[3]?.plugin).to.equal('@vault-aws/plugin-backend-pass')

    const table = await sandbox.run(['backends'], {
      env: {...headless, ...pass.env, AWS_VAULT_PASS_PASSWORD_STORE_DIR: join(sandbox.home, 'elsewhere')},
    })
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]).to.match(/^ID\s+PLUGIN\s+AVAILABLE\s+SUMMARY$/)
    expect(lines.find((line) => line.startsWith('keyring '))).to.include('no (no D-Bus session bus')
    expect(lines.find((line) => line.startsWith('pass '))).to.match(/no \(no password store at .*elsewhere/)
    expect(lines.find((line) => line.startsWith('file '))).to.match(/\byes\b/)
  })
})
