// What vault leaves behind or picks up: the probe a killed migration left in a store, a store
// directory another user owns, and the plaintext backup vault import writes.
import {expect} from 'chai'
import {chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {FileKeyring} from '../../plugins/backend-file/src/file-keyring.ts'
import {keyringAt} from '../../plugins/backend-file/test/support.ts'
import {createPassStore, linkPassBackend} from './support/pass-store.ts'
import {leaks, newSecretKey, registerSecret} from './support/transcript.ts'
import {fakeAccessKeyId, World} from './support/world.ts'

const NOBODY = 65534

function fileStore(world: World): FileKeyring {
  return keyringAt(world.keysDir, world.passphrase)
}

describe('leftovers and foreign files (built binary)', function () {
  this.timeout(180_000)
  let world: World

  beforeEach(function () {
    world = new World()
  })

  afterEach(function () {
    world.cleanup()
  })

  it('a probe item a killed migration left is never listed or copied, and the next migration removes it', async function () {
    await world.addKey('alice')
    // What `vault migrate --delete-source` killed between writing and removing its probe leaves.
    const probe = 'vault-migrate-probe-0123456789ab'
    await fileStore(world).set({key: probe, data: new TextEncoder().encode('probe'), label: 'vault migrate probe'})

    expect((await world.ok(['list', '--credentials'])).stdout).to.equal('alice\n')
    expect((await world.ok(['list'])).stdout).not.to.include('vault-migrate-probe')

    const pass = await createPassStore(world)
    try {
      linkPassBackend(world)
      const migrated = await world.ok(['migrate', '--from', 'file', '--to', 'pass', '--delete-source'], {env: pass.env})
      expect(migrated.stderr + migrated.stdout).not.to.include('vault-migrate-probe')
      const inPass = (await world.ok(['list', '--credentials'], {env: pass.env})).stdout
      expect(inPass).to.equal('alice\n')
      expect(readdirSync(join(pass.store, 'aws-vault')).filter((name) => name.includes('probe'))).to.deep.equal([])
      expect(await fileStore(world).keys()).to.deep.equal([])
    } finally {
      await pass.stopAgent()
    }
  })

  it('a store directory owned by another user is refused, not tightened or used', async function () {
    if (process.getuid?.() !== 0) this.skip() // chown to another user needs root; CI runs as root
    const bob = {AWS_ACCESS_KEY_ID: fakeAccessKeyId(), AWS_SECRET_ACCESS_KEY: newSecretKey()}
    mkdirSync(world.keysDir, {recursive: true})
    chmodSync(world.keysDir, 0o755)
    chownSync(world.keysDir, NOBODY, NOBODY)
    for (const args of [
      ['add', 'bob', '--env', '--no-add-config'],
      ['list', '--credentials'],
    ]) {
      const result = await world.run(args, {env: bob})
      expect(result.code, args.join(' ')).to.equal(69)
      const first = result.stderr.split('\n')[0]
      expect(first, args.join(' ')).to.include(world.keysDir)
      expect(first, args.join(' ')).to.include(`owned by uid ${NOBODY}`)
      expect(result.stderr).not.to.match(/^\s+at /m)
    }
    expect(statSync(world.keysDir).mode & 0o777).to.equal(0o755)
    expect(statSync(world.keysDir).uid).to.equal(NOBODY)
    expect(readdirSync(world.keysDir)).to.deep.equal([])
  })

  it('a password store owned by another user is refused in one line, not used', async function () {
    if (process.getuid?.() !== 0) this.skip() // chown to another user needs root; CI runs as root
    const pass = await createPassStore(world)
    try {
      linkPassBackend(world)
      await world.ok(['add', 'alice', '--env', '--no-add-config'], {
        env: {...pass.env, AWS_ACCESS_KEY_ID: fakeAccessKeyId(), AWS_SECRET_ACCESS_KEY: newSecretKey()},
      })
      const before = readdirSync(join(pass.store, 'aws-vault')).sort()
      chownSync(pass.store, NOBODY, NOBODY)
      const bob = {AWS_ACCESS_KEY_ID: fakeAccessKeyId(), AWS_SECRET_ACCESS_KEY: newSecretKey()}
      for (const args of [
        ['add', 'bob', '--env', '--no-add-config'],
        ['list', '--credentials'],
        ['exec', 'alice', '--no-session', '--json'],
      ]) {
        const result = await world.run(args, {env: {...pass.env, ...bob}})
        expect(result.code, args.join(' ')).to.equal(69)
        expect(result.stdout, args.join(' ')).to.equal('')
        const first = result.stderr.split('\n')[0]
        expect(first, args.join(' ')).to.equal(
          `vault: backend "pass" is not usable here: the password store ${pass.store} is owned by uid ${NOBODY}, not by you (uid 0): vault does not use a store another user controls; chown it to yourself, or set AWS_VAULT_PASS_PASSWORD_STORE_DIR to a store of your own`,
        )
        expect(result.stderr).not.to.match(/^\s+at /m)
      }
      expect(readdirSync(join(pass.store, 'aws-vault')).sort()).to.deep.equal(before)
      // vault backends says why, and without --backend vault does not pick it.
      const rows = JSON.parse((await world.ok(['backends', '--json'], {env: pass.env})).stdout).result as Array<{
        id: string
        available: boolean
        reason: string
      }>
      expect(rows.find((row) => row.id === 'pass')).to.include({available: false})
      expect(rows.find((row) => row.id === 'pass')?.reason).to.include(`owned by uid ${NOBODY}`)

      // Given back to its owner, it is used again.
      chownSync(pass.store, 0, 0)
      expect((await world.ok(['list', '--credentials'], {env: pass.env})).stdout).to.equal('alice\n')
    } finally {
      await pass.stopAgent()
    }
  })

  it('vault import removes its plaintext backup once the rewritten file is verified; --keep-backup keeps it and names it', async function () {
    const file = join(world.home, 'credentials')
    const secret = registerSecret('long-term secret key', newSecretKey())
    const plaintext = `[work]\naws_access_key_id = ${fakeAccessKeyId()}\naws_secret_access_key = ${secret}\nregion = eu-west-1\n`
    const backups = () => readdirSync(world.home).filter((name) => name.startsWith('credentials.vault-backup-'))

    writeFileSync(file, plaintext, {mode: 0o600})
    const imported = await world.ok(['import', '--file', file])
    expect(backups()).to.deep.equal([])
    expect(readFileSync(file, 'utf8')).not.to.include(secret)
    expect(imported.stdout + imported.stderr).not.to.include('vault-backup')

    writeFileSync(file, plaintext.replace('[work]', '[play]'), {mode: 0o600})
    const kept = await world.ok(['import', '--file', file, '--keep-backup'])
    const [backup] = backups()
    expect(backup, 'the backup kept').to.match(/^credentials\.vault-backup-\d{8}T\d{6}Z$/)
    expect(statSync(join(world.home, backup!)).mode & 0o777).to.equal(0o600)
    expect(kept.stderr).to.include(`vault: warning: ${join(world.home, backup!)} keeps the plaintext keys`)
    expect(existsSync(file)).to.equal(true)
    expect(readFileSync(file, 'utf8')).not.to.include(secret)
  })

  it('everything vault printed in this file holds none of the test secrets', function () {
    expect(leaks().join('\n')).to.equal('')
  })
})
