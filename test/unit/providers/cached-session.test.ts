import {expect} from 'chai'

import type {Credentials} from '../../../src/lib/plugin-api/index.ts'

import {MemoryKeyring} from '../../../src/lib/keyring/memory-keyring.ts'
import {formatSessionKey, parseSessionKey} from '../../../src/lib/keyring/session-key.ts'
import {SessionStore} from '../../../src/lib/keyring/session-store.ts'
import {cachedSession, slotName, type LockRunner, type SessionCacheDeps} from '../../../src/lib/providers/cached-session.ts'
import type {SessionSlot} from '../../../src/lib/providers/plan.ts'

const NOW = new Date('2030-01-01T12:00:00Z')
const slot: SessionSlot = {mfaSerial: 'arn:aws:iam::111111111111:mfa/jon', profileName: 'jon', type: 'sts.GetSessionToken'}

function session(id: string, secondsLeft: number): Credentials {
  return {
    accessKeyId: id,
    expiration: new Date(NOW.getTime() + secondsLeft * 1000),
    secretAccessKey: `secret-${id}`,
    sessionToken: `token-${id}`,
  }
}

describe('cached sessions', () => {
  let keyring: MemoryKeyring
  let sessions: SessionStore
  let locks: string[]
  let deps: SessionCacheDeps

  beforeEach(() => {
    keyring = new MemoryKeyring()
    sessions = new SessionStore(keyring)
    locks = []
    const lock: LockRunner = async (name, work) => {
      locks.push(name)
      return work()
    }
    deps = {lock, log: () => {}, minTtlSeconds: 300, now: () => NOW, sessions}
  })

  it('reuses a live session with more than the minimum TTL left, without locking', async () => {
    await sessions.save(slot.type, slot.profileName, slot.mfaSerial, session('ASIACACHED', 3600))
    const got = await cachedSession(slot, deps, () => expect.fail('must not call STS'))()
    expect(got.accessKeyId).to.equal('ASIACACHED')
    expect(locks).to.deep.equal([])
  })

  it('renews a session under the minimum TTL, stores the new one and drops the one it replaces', async () => {
    await sessions.save(slot.type, slot.profileName, slot.mfaSerial, session('ASIAOLD', 200))
    const got = await cachedSession(slot, deps, async () => session('ASIANEW', 3600))()
    expect(got.accessKeyId).to.equal('ASIANEW')
    expect(locks).to.deep.equal([slotName(slot)])
    const keys = await keyring.keys()
    expect(keys).to.deep.equal([formatSessionKey({...slot, expiration: session('ASIANEW', 3600).expiration!})])
  })

  it('keeps the sessions of other slots, but drops expired ones while writing', async () => {
    const other = {...slot, profileName: 'role'}
    await sessions.save('sts.AssumeRole', 'role', '', session('ASIAROLE', 1800))
    await sessions.save('sts.AssumeRole', 'gone', '', session('ASIAGONE', -10))
    await cachedSession(slot, deps, async () => session('ASIANEW', 3600))()
    const profiles = (await keyring.keys()).map((key) => parseSessionKey(key)?.profileName).sort()
    expect(profiles).to.deep.equal(['jon', other.profileName])
  })

  it('does not call STS when another process made the session while this one waited for the lock', async () => {
    deps.lock = async (name, work) => {
      locks.push(name)
      await sessions.save(slot.type, slot.profileName, slot.mfaSerial, session('ASIAOTHERPROCESS', 3600))
      return work()
    }
    const got = await cachedSession(slot, deps, () => expect.fail('must not call STS'))()
    expect(got.accessKeyId).to.equal('ASIAOTHERPROCESS')
  })

  it('does not cache credentials without an expiry', async () => {
    const got = await cachedSession(slot, deps, async () => ({accessKeyId: 'AKIALONGTERM', secretAccessKey: 'x'}))()
    expect(got.accessKeyId).to.equal('AKIALONGTERM')
    expect(await keyring.keys()).to.deep.equal([])
  })

  it('names the lock after aws-vault key prefix of the slot', () => {
    expect(slotName(slot)).to.equal(
      `sts.GetSessionToken,${Buffer.from('jon').toString('base64url')},${Buffer.from(slot.mfaSerial).toString('base64url')},`,
    )
  })
})
