import {expect} from 'chai'

import backends from '../../src/hooks/backends.ts'
import {failureOf} from '@vault-aws/cli/plugin-testkit'
import {context} from '../support/context.ts'

const [descriptor] = await backends()

describe('a session bus without a Secret Service', function () {
  const env = {DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS}

  it('is unavailable, saying no Secret Service answers', async function () {
    const availability = await descriptor!.isAvailable(context(env))
    expect(availability.available).to.equal(false)
    expect(availability.reason).to.match(/no Secret Service answers on the D-Bus session bus/)
  })

  it('fails reads and writes with BACKEND_UNAVAILABLE', async function () {
    const keyring = await descriptor!.open(context(env))
    const read = await failureOf(keyring.get('work'))
    expect(read.code).to.equal('BACKEND_UNAVAILABLE')
    expect(read.message).to.match(/Secret Service/)
    expect((await failureOf(keyring.set({key: 'work', data: new Uint8Array([1])}))).code).to.equal('BACKEND_UNAVAILABLE')
  })
})
