import {expect} from 'chai'

import type {DBusClient, MethodCall} from '@vault-aws/plugin-backend-keyring/dbus'
import {findDaemon} from '../src/daemon.ts'

/** A bus that answers only what the daemon search asks: which names have an owner, which it can start. */
function bus(owned: string[], activatable: string[]): DBusClient {
  const answer = async (message: MethodCall): Promise<unknown[]> => {
    if (message.member === 'NameHasOwner') return [owned.includes(message.body?.[0] as string)]
    if (message.member === 'ListActivatableNames') return [activatable]
    throw new Error(`unexpected call ${message.member}`)
  }
  return {call: answer} as unknown as DBusClient
}

// Which daemon answers depends on the desktop: Plasma 6 runs kwalletd6, which also owns org.kde.kwalletd5;
// Plasma 5 runs kwalletd5 only. The tests on a real daemon run kwalletd5; these show the order of the search.
describe('kwallet backend: finding the daemon on the bus', function () {
  it("takes Plasma 6's kwalletd6 first when both names are owned", async function () {
    const found = await findDaemon(bus(['org.kde.kwalletd5', 'org.kde.kwalletd6'], []))
    expect(found).to.deep.equal({address: {name: 'org.kde.kwalletd6', path: '/modules/kwalletd6'}, running: true})
  })

  it('takes a running kwalletd5 over a kwalletd6 the bus could start', async function () {
    const found = await findDaemon(bus(['org.kde.kwalletd5'], ['org.kde.kwalletd6']))
    expect(found).to.deep.equal({address: {name: 'org.kde.kwalletd5', path: '/modules/kwalletd5'}, running: true})
  })

  it('falls back to a daemon the bus can start, kwalletd6 first', async function () {
    expect(await findDaemon(bus([], ['org.kde.kwalletd5', 'org.kde.kwalletd6']))).to.deep.equal({
      address: {name: 'org.kde.kwalletd6', path: '/modules/kwalletd6'},
      running: false,
    })
    expect(await findDaemon(bus([], ['org.kde.kwalletd5']))).to.deep.equal({
      address: {name: 'org.kde.kwalletd5', path: '/modules/kwalletd5'},
      running: false,
    })
  })

  it('finds none when neither runs nor can be started', async function () {
    expect(await findDaemon(bus(['org.freedesktop.secrets'], ['org.freedesktop.secrets']))).to.equal(undefined)
  })
})
