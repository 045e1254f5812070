import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'

import {Sandbox} from '../helpers/cli.ts'
import {addListExec, keyctlPluginDir, linkPlugin, parseEnv, xdgEnv} from './backend-helpers.ts'

/** Unlinks the test's keyring from the user keyring: the kernel then frees it and its keys. */
function dropRing(name: string): void {
  spawnSync('keyctl', [
    'session',
    '-',
    'sh',
    '-c',
    'keyctl link @u @s >/dev/null; id=$(keyctl search @u keyring "$1" 2>/dev/null) && keyctl unlink "$id" @u >/dev/null; true',
    'sh',
    name,
  ])
}

describe('keyctl backend end to end (installable plugin linked, real kernel keyring)', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let ring: string
  let env: Record<string, string | undefined>

  before(function () {
    if (spawnSync('sh', ['-c', 'command -v keyctl']).status !== 0)
      throw new Error('these tests need keyctl: apt-get install -y --no-install-recommends keyutils')
  })

  beforeEach(async function () {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\nregion = eu-west-1\n')
    await linkPlugin(sandbox, keyctlPluginDir)
    ring = `vault-e2e-${randomBytes(4).toString('hex')}`
    env = {...xdgEnv(sandbox), AWS_VAULT_BACKEND: 'keyctl', AWS_VAULT_KEYCTL_KEYRING: ring}
  })

  afterEach(function () {
    dropRing(ring)
    sandbox.cleanup()
  })

  it('adds, lists and hands the keys to exec', async function () {
    const {accessKeyId, secretAccessKey, child, listed} = await addListExec(sandbox, env)
    expect(listed).to.equal('work\n')
    expect(child.AWS_ACCESS_KEY_ID).to.equal(accessKeyId)
    expect(child.AWS_SECRET_ACCESS_KEY).to.equal(secretAccessKey)
    expect(child.AWS_REGION).to.equal('eu-west-1')
  })

  it('is listed by `vault backends` but never chosen without being named', async function () {
    const rows = JSON.parse((await sandbox.run(['backends', '--json'], {env: {...env, AWS_VAULT_BACKEND: undefined}})).stdout)
      .result as Array<{id: string; priority: number; available: boolean; reason: string}>
    expect(rows.at(-1)).to.deep.include({
      id: 'keyctl',
      priority: 5,
      available: true,
      reason: `keyring "${ring}" in the user kernel keyring; emptied by a reboot`,
    })
    const added = await sandbox.run(['add', 'work', '--env', '--debug'], {
      env: {...env, AWS_VAULT_BACKEND: undefined, AWS_ACCESS_KEY_ID: 'AKIAKEYCTLDEFAULT001', AWS_SECRET_ACCESS_KEY: 's'},
    })
    expect(added.stderr).to.match(/using backend "file"/)
  })

  it('takes credentials from the file store with vault migrate, and exec reads them there', async function () {
    const added = await sandbox.run(['add', 'work', '--env'], {
      env: {...env, AWS_VAULT_BACKEND: 'file', AWS_ACCESS_KEY_ID: 'AKIAKEYCTLMIGRATE001', AWS_SECRET_ACCESS_KEY: 'from-file'},
    })
    expect(added.code, added.stderr).to.equal(0)
    const migrated = await sandbox.run(['migrate', '--from', 'file', '--to', 'keyctl', '--delete-source'], {env})
    expect(migrated.code, migrated.stderr).to.equal(0)
    const exec = await sandbox.run(['exec', 'work', '--no-session', '--', 'env'], {env})
    expect(parseEnv(exec.stdout).AWS_SECRET_ACCESS_KEY).to.equal('from-file')
    expect((await sandbox.run(['list', '--credentials'], {env: {...env, AWS_VAULT_BACKEND: 'file'}})).stdout).to.equal('')
  })

  it('says what is missing when keyctl is not installed', async function () {
    const result = await sandbox.run(['list'], {env: {...env, AWS_VAULT_KEYCTL_CMD: '/nonexistent/keyctl'}})
    expect(result.code).to.equal(69)
    expect(result.stderr.split('\n')[0]).to.equal(
      'vault: backend "keyctl" is not usable here: no /nonexistent/keyctl command: install keyutils (Debian package "keyutils")',
    )
  })
})
