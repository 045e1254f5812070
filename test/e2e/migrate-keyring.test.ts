import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readdirSync} from 'node:fs'

import type {FileKeyring} from '../../plugins/backend-file/src/file-keyring.ts'
import {keyringAt} from '../../plugins/backend-file/test/support.ts'
import {Sandbox, vaultBin} from '../helpers/cli.ts'
import {awsVaultCredentialsJson, parseEnv, SecretServiceSession} from './backend-helpers.ts'

describe('vault migrate into and out of the OS keyring (gnome-keyring-daemon on a private bus)', function () {
  this.timeout(120_000)
  let keyringRoot: Sandbox
  let session: SecretServiceSession
  let sandbox: Sandbox
  let env: Record<string, string | undefined>

  before(async function () {
    keyringRoot = new Sandbox()
    session = await SecretServiceSession.start(keyringRoot.home)
  })

  after(async function () {
    await session?.stop()
    keyringRoot?.cleanup()
  })

  beforeEach(async function () {
    sandbox = new Sandbox()
    // A collection per test, so each starts empty.
    const collection = `migrate-${Math.random().toString(36).slice(2, 10)}`
    await session.createCollection(collection)
    env = {...session.env, AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME: collection, AWS_VAULT_BACKEND: undefined}
  })

  afterEach(function () {
    sandbox.cleanup()
  })

  function fileStore(): FileKeyring {
    return keyringAt(sandbox.keysDir, sandbox.passphrase)
  }

  async function fill(names: string[]): Promise<Map<string, string>> {
    const values = new Map(
      names.map((name, index) => [name, awsVaultCredentialsJson(`AKIAKEYRINGMIG${String(index).padStart(6, '0')}`, `kr/${name}`)]),
    )
    for (const [name, value] of values) await fileStore().set({key: name, data: new TextEncoder().encode(value)})
    return values
  }

  /** How many Secret Service items carry `profile=<name>` in any collection. */
  function itemsFor(name: string): number {
    return (session.secretTool(['search', '--all', 'profile', name]).match(/^attribute\.profile = /gm) ?? []).length
  }

  it('moves file credentials into the keyring with --delete-source, then exec reads them there', async function () {
    const values = await fill(['alpha', 'beta'])
    const result = await sandbox.run(['migrate', '--from', 'file', '--to', 'keyring', '--delete-source'], {env})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.equal('Copied 2 to keyring (verified), already there 0, conflicts 0; removed 2 from file.\n')
    expect(readdirSync(sandbox.keysDir)).to.deep.equal([])
    const exec = await sandbox.run(['exec', 'beta', '--no-session', '--', 'env'], {env})
    expect(exec.code, exec.stderr).to.equal(0)
    expect(parseEnv(exec.stdout).AWS_SECRET_ACCESS_KEY).to.equal('kr/beta')
    expect(JSON.parse(session.secretTool(['lookup', 'profile', 'alpha'])).Data).to.equal(
      Buffer.from(values.get('alpha')!).toString('base64'),
    )
  })

  it('refuses --delete-source between "keyring" and "secret-service", one store under two names', async function () {
    await fill(['gamma'])
    expect((await sandbox.run(['migrate', '--from', 'file', '--to', 'keyring'], {env})).code).to.equal(0)
    const result = await sandbox.run(['migrate', '--from', 'keyring', '--to', 'secret-service', '--delete-source'], {env})
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.equal(
      'vault: "keyring" and "secret-service" reach the same store: removing the source would remove the copies',
    )
    expect(itemsFor('gamma')).to.equal(1)
    const exec = await sandbox.run(['exec', 'gamma', '--no-session', '--', 'env'], {env: {...env, AWS_VAULT_BACKEND: 'keyring'}})
    expect(parseEnv(exec.stdout).AWS_SECRET_ACCESS_KEY).to.equal('kr/gamma')
  })

  it('after a SIGKILL midway and a re-run, holds each credential in exactly one item', async function () {
    const names = Array.from({length: 12}, (_, index) => `kill-${String(index).padStart(2, '0')}`)
    const values = await fill(names)
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [vaultBin, 'migrate', '--from', 'file', '--to', 'keyring', '--delete-source'], {
        cwd: sandbox.home,
        env: sandbox.env(env),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let lines = 0
      child.stderr.on('data', (chunk: Buffer) => {
        lines += chunk.toString().split('\n').length - 1
        if (lines >= 4) child.kill('SIGKILL')
      })
      child.on('error', reject)
      child.on('close', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`migrate ended by itself (${signal})`))))
    })
    const left = await fileStore().keys()
    expect(left.length).to.be.within(1, names.length - 4)

    const rerun = await sandbox.run(['migrate', '--from', 'file', '--to', 'keyring', '--delete-source'], {env})
    expect(rerun.code, rerun.stderr).to.equal(0)
    expect(await fileStore().keys()).to.deep.equal([])
    for (const name of names) {
      expect(itemsFor(name), name).to.equal(1)
      const stored = JSON.parse(session.secretTool(['lookup', 'profile', name])) as {Data: string}
      expect(Buffer.from(stored.Data, 'base64').toString('utf8'), name).to.equal(values.get(name))
    }
    const listed = await sandbox.run(['list', '--credentials'], {env: {...env, AWS_VAULT_BACKEND: 'keyring'}})
    expect(listed.stdout).to.equal(names.map((name) => `${name}\n`).join(''))
  })
})
