import {expect} from 'chai'

import type {Credentials} from '../../../src/lib/plugin-api/index.ts'

import {VaultError} from '../../../src/lib/errors.ts'
import {RefreshingCredentials} from '../../../src/lib/server/refreshing-credentials.ts'

/** A provider that hands out numbered credentials living `lifetime` seconds from the fake clock. */
function world(lifetimeSeconds: number | null = 900) {
  const clock = {now: 1_000_000}
  let calls = 0
  const release: Array<() => void> = []
  let gated = false
  const fetch = async (): Promise<Credentials> => {
    calls++
    const n = calls
    if (gated) await new Promise<void>((resolve) => release.push(resolve))
    return {
      accessKeyId: `ASIA${n}`,
      secretAccessKey: `secret-${n}`,
      sessionToken: `token-${n}`,
      ...(lifetimeSeconds === null ? {} : {expiration: new Date(clock.now + lifetimeSeconds * 1000)}),
    }
  }
  const credentials = new RefreshingCredentials(fetch, {label: 'profile test', minTtlSeconds: 300, now: () => clock.now})
  return {
    calls: () => calls,
    clock,
    credentials,
    gate() {
      gated = true
    },
    open() {
      gated = false
      for (const resolve of release.splice(0)) resolve()
    },
  }
}

describe('RefreshingCredentials', () => {
  it('holds nothing before the first fetch', () => {
    const {calls, credentials} = world()
    expect(credentials.fresh()).to.equal(undefined)
    expect(calls()).to.equal(0)
  })

  it('fetches once and serves from memory while more than the minimum TTL is left', async () => {
    const {calls, clock, credentials} = world()
    const first = await credentials.get()
    clock.now += 599_000 // 301 s left
    expect(await credentials.get()).to.equal(first)
    expect(credentials.fresh()).to.equal(first)
    expect(calls()).to.equal(1)
  })

  it('fetches again once only the minimum TTL (or less) is left', async () => {
    const {calls, clock, credentials} = world()
    const first = await credentials.get()
    clock.now += 600_000 // exactly 300 s left: not servable
    expect(credentials.fresh()).to.equal(undefined)
    const second = await credentials.get()
    expect(second.accessKeyId).to.not.equal(first.accessKeyId)
    expect(calls()).to.equal(2)
  })

  it('makes concurrent requests during a refresh share one fetch', async () => {
    const {calls, credentials, gate, open} = world()
    gate()
    const waiting = Array.from({length: 25}, () => credentials.get())
    open()
    const served = await Promise.all(waiting)
    expect(calls()).to.equal(1)
    expect(new Set(served.map((c) => c.accessKeyId)).size).to.equal(1)
    expect(credentials.fetchCount).to.equal(1)
  })

  it('never serves credentials with the minimum TTL or less left, even from a fresh fetch', async () => {
    const {credentials} = world(300)
    const failure = await credentials.get().then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).to.be.instanceOf(VaultError)
    expect((failure as VaultError).code).to.equal('CONFIG_INVALID')
    expect((failure as VaultError).message).to.equal('the new credentials of profile test expire in 300s, not more than AWS_MIN_TTL (300s)')
    expect(credentials.fresh()).to.equal(undefined)
  })

  it('lets the next request try again after a failed fetch', async () => {
    let fail = true
    let calls = 0
    const credentials = new RefreshingCredentials(
      async () => {
        calls++
        if (fail) throw new Error('STS is down')
        return {accessKeyId: 'ASIA', secretAccessKey: 's', expiration: new Date(Date.now() + 3_600_000)}
      },
      {label: 'x', minTtlSeconds: 300},
    )
    const results = await Promise.allSettled([credentials.get(), credentials.get()])
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected'])
    expect(calls).to.equal(1)
    fail = false
    expect((await credentials.get()).accessKeyId).to.equal('ASIA')
    expect(calls).to.equal(2)
  })

  it('keeps credentials that do not expire for good', async () => {
    const {calls, clock, credentials} = world(null)
    const first = await credentials.get()
    clock.now += 365 * 86_400_000
    expect(await credentials.get()).to.equal(first)
    expect(calls()).to.equal(1)
  })
})
