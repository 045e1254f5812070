import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {sessionBusLocation, socketOf} from '../src/dbus/address.ts'

describe('D-Bus session bus address', function () {
  it('prefers DBUS_SESSION_BUS_ADDRESS', function () {
    expect(sessionBusLocation({DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/x', XDG_RUNTIME_DIR: '/run/user/1'})).to.deep.equal({
      address: 'unix:path=/tmp/x',
    })
  })

  it('falls back to $XDG_RUNTIME_DIR/bus only when that socket exists', async function () {
    const runtime = await mkdtemp(join(tmpdir(), 'vault-keyring-runtime-'))
    try {
      expect(sessionBusLocation({XDG_RUNTIME_DIR: runtime})).to.have.property('reason')
      await writeFile(join(runtime, 'bus'), '')
      expect(sessionBusLocation({XDG_RUNTIME_DIR: runtime})).to.deep.equal({address: `unix:path=${join(runtime, 'bus')}`})
    } finally {
      await rm(runtime, {recursive: true, force: true})
    }
  })

  it('finds the socket of path, abstract and runtime addresses, skipping other transports', function () {
    expect(socketOf('unix:path=/tmp/dbus-abc,guid=123')).to.equal('/tmp/dbus-abc')
    expect(socketOf('unix:abstract=/tmp/dbus-xyz,guid=1')).to.equal('\0/tmp/dbus-xyz')
    expect(socketOf('tcp:host=localhost,port=1;unix:path=/run/bus')).to.equal('/run/bus')
    expect(socketOf('unix:runtime=yes', {XDG_RUNTIME_DIR: '/run/user/7'})).to.equal('/run/user/7/bus')
    expect(socketOf('unix:path=/tmp/with%20space')).to.equal('/tmp/with space')
    expect(socketOf('tcp:host=localhost,port=1')).to.equal(undefined)
  })
})
