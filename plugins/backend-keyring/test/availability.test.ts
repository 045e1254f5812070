import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import backends from '../src/hooks/backends.ts'
import {keyringAvailability} from '../src/availability.ts'
import {openKeyring} from '../src/open.ts'
import {failureOf} from '@vault-aws/cli/plugin-testkit'
import {context} from './support/context.ts'

describe('OS keyring backend without a session bus', function () {
  let runtime: string

  before(async function () {
    runtime = await mkdtemp(join(tmpdir(), 'vault-keyring-nobus-'))
  })

  after(async function () {
    await rm(runtime, {recursive: true, force: true})
  })

  it('is unavailable, saying there is no D-Bus session bus', async function () {
    const availability = await keyringAvailability(context({XDG_RUNTIME_DIR: runtime}), 'linux')
    expect(availability.available).to.equal(false)
    expect(availability.reason).to.match(/no D-Bus session bus/)
  })

  it('is unavailable, naming the address, when the bus socket is gone', async function () {
    const address = `unix:path=${join(runtime, 'no-such-socket')}`
    const availability = await keyringAvailability(context({DBUS_SESSION_BUS_ADDRESS: address}), 'linux')
    expect(availability.available).to.equal(false)
    expect(availability.reason).to.include('no-such-socket')
    expect(availability.reason).to.include('ENOENT')
  })

  it('fails every operation with BACKEND_UNAVAILABLE and the reason', async function () {
    const keyring = await openKeyring(context({XDG_RUNTIME_DIR: runtime}), 'linux')
    for (const operation of [
      keyring.get('work'),
      keyring.set({key: 'work', data: new Uint8Array([1])}),
      keyring.remove('work'),
      keyring.keys(),
    ]) {
      const error = await failureOf(operation)
      expect(error.code).to.equal('BACKEND_UNAVAILABLE')
      expect(error.message).to.match(/no D-Bus session bus/)
    }
  })

  it('says the platform has no OS keyring support where it has none', async function () {
    const availability = await keyringAvailability(context({}), 'aix')
    expect(availability).to.deep.equal({available: false, reason: 'no OS keyring support on aix'})
    expect((await failureOf(openKeyring(context({}), 'aix'))).code).to.equal('BACKEND_UNAVAILABLE')
  })
})

describe('OS keyring backend descriptors', function () {
  it('registers "keyring" at priority 30 and aws-vault\'s id for this platform just below it', async function () {
    const platformIds: Record<string, string> = {darwin: 'keychain', win32: 'wincred'}
    const awsVaultId = platformIds[process.platform] ?? 'secret-service'
    const list = await backends()
    expect(list.map((descriptor) => [descriptor.id, descriptor.priority])).to.deep.equal([
      ['keyring', 30],
      [awsVaultId, 29],
    ])
    for (const descriptor of list) expect(descriptor.summary).to.be.a('string').and.not.equal('')
  })
})
