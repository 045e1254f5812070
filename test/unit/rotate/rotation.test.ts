import {expect} from 'chai'

import type {Credentials} from '../../../src/lib/plugin-api/index.ts'

import type {VaultError} from '../../../src/lib/errors.ts'
import {formatKeyForDisplay} from '../../../src/lib/rotate/redact.ts'
import {retryUntil} from '../../../src/lib/rotate/retry.ts'
import {Rotation, type RotationDeps} from '../../../src/lib/rotate/rotation.ts'

const awsError = (name: string) => Object.assign(new Error(`${name} happened`), {name})

/** IAM and a store in memory, with switches to make each step fail. */
class World {
  iamKeys: Credentials[] = [{accessKeyId: 'AKIAOLD0000000000001', secretAccessKey: 'old-secret'}]
  stored: Credentials | undefined = this.iamKeys[0]
  valid = new Set(['AKIAOLD0000000000001'])
  next = 1
  createFails?: Error
  neverValid = false
  invalidTries = 0
  writeFails = false
  writeLies = false
  deleteFailures: Error[] = []
  deleteAlwaysFails?: Error
  calls: string[] = []
  clock = 0

  deps(): RotationDeps {
    return {
      callerArn: async (credentials) => {
        this.calls.push(`GetCallerIdentity ${credentials.accessKeyId}`)
        if (this.neverValid && credentials.accessKeyId !== 'AKIAOLD0000000000001') throw awsError('InvalidClientTokenId')
        if (this.invalidTries > 0 && credentials.accessKeyId !== 'AKIAOLD0000000000001') {
          this.invalidTries--
          throw awsError('InvalidClientTokenId')
        }
        if (!this.valid.has(credentials.accessKeyId)) throw awsError('InvalidClientTokenId')
        return 'arn:aws:iam::123456789012:user/team/bob'
      },
      clearSessions: async () => 3,
      createAccessKey: async () => {
        this.calls.push('CreateAccessKey')
        if (this.createFails) throw this.createFails
        const key = {accessKeyId: `AKIANEW000000000000${this.next++}`, secretAccessKey: 'new-secret'}
        this.iamKeys.push(key)
        this.valid.add(key.accessKeyId)
        return {credentials: key, userName: 'bob'}
      },
      deleteAccessKey: async (_credentials, accessKeyId) => {
        this.calls.push(`DeleteAccessKey ${accessKeyId}`)
        const failure = this.deleteAlwaysFails ?? this.deleteFailures.shift()
        if (failure) throw failure
        const before = this.iamKeys.length
        this.iamKeys = this.iamKeys.filter((key) => key.accessKeyId !== accessKeyId)
        this.valid.delete(accessKeyId)
        if (this.iamKeys.length === before) throw awsError('NoSuchEntity')
      },
      errorName: (error) => (error instanceof Error ? error.name : undefined),
      iamCredentials: async () => ({credentials: this.iamKeys[0]!, description: 'the stored key', namesUser: false}),
      listAccessKeys: async () => ({keys: this.iamKeys.map((key) => ({accessKeyId: key.accessKeyId, status: 'Active'})), userName: 'bob'}),
      log: () => {},
      now: () => this.clock,
      readStored: async () => this.stored,
      sleep: async (ms) => {
        this.clock += ms
      },
      writeStored: async (credentials) => {
        if (this.writeFails) throw Object.assign(new Error('cannot write: EACCES'), {code: 'BACKEND_UNAVAILABLE'})
        if (!this.writeLies) this.stored = credentials
      },
    }
  }

  rotation(): Rotation {
    return new Rotation({profileName: 'bob', storedProfile: 'bob', waitMs: 10_000}, this.deps())
  }

  async run(rotation = this.rotation()): Promise<unknown> {
    try {
      await rotation.findStoredKey()
      await rotation.getCredentials()
      await rotation.createKey()
      await rotation.waitForNewKey()
      await rotation.storeNewKey()
      await rotation.clearSessions()
      await rotation.deleteOldKey()
      return rotation.result()
    } catch (error) {
      return error
    }
  }

  /** The invariant: the store holds a key IAM accepts, and IAM holds nothing else. */
  expectSafe(): void {
    expect(this.stored).to.not.equal(undefined)
    expect(this.valid.has(this.stored!.accessKeyId)).to.equal(true)
    expect(this.iamKeys.map((key) => key.accessKeyId)).to.deep.equal([this.stored!.accessKeyId])
  }
}

describe('key rotation steps', () => {
  it('replaces the key: the new one stored, the old one deleted after it is proven', async () => {
    const world = new World()
    const result = await world.run()
    expect(result).to.deep.equal({
      newAccessKey: '****************0001',
      oldAccessKey: '****************0001',
      profile: 'bob',
      sessionsCleared: 3,
      storedProfile: 'bob',
      userName: 'bob',
    })
    expect(world.stored!.accessKeyId).to.equal('AKIANEW0000000000001')
    expect(world.calls).to.deep.equal(['CreateAccessKey', 'GetCallerIdentity AKIANEW0000000000001', 'DeleteAccessKey AKIAOLD0000000000001'])
    world.expectSafe()
  })

  it('a refused CreateAccessKey leaves everything as it was', async () => {
    const world = new World()
    world.createFails = awsError('AccessDenied')
    expect(await world.run()).to.have.property('name', 'AccessDenied')
    expect(world.stored!.accessKeyId).to.equal('AKIAOLD0000000000001')
    world.expectSafe()
  })

  it('a new key that never works is deleted again, after trying for the whole wait', async () => {
    const world = new World()
    world.neverValid = true
    const error = (await world.run()) as VaultError
    expect(error.code).to.equal('ROTATION_FAILED')
    expect(error.message).to.match(/did not work within 10s .*deleted again and the store still holds \*{16}0001/)
    expect(world.clock).to.be.at.least(10_000)
    world.expectSafe()
  })

  it('a new key that works after a few tries goes on', async () => {
    const world = new World()
    world.invalidTries = 3
    const rotation = world.rotation()
    await rotation.findStoredKey()
    await rotation.getCredentials()
    await rotation.createKey()
    expect(await rotation.waitForNewKey()).to.equal(4)
  })

  it('a store that refuses the write: the new key is deleted again', async () => {
    const world = new World()
    world.writeFails = true
    const error = (await world.run()) as VaultError
    expect(error.message).to.match(/^could not store the new key \*{16}0001 \(cannot write: EACCES\); it was deleted again/)
    world.expectSafe()
  })

  it('a store that says it wrote but gives back the old key: the new key is deleted again', async () => {
    const world = new World()
    world.writeLies = true
    const error = (await world.run()) as VaultError
    expect(error.message).to.match(/does not give back the key just written/)
    world.expectSafe()
  })

  it('DeleteAccessKey throttled: tried again until it goes', async () => {
    const world = new World()
    world.deleteFailures = [awsError('Throttling'), awsError('Throttling'), awsError('ServiceUnavailable')]
    expect(await world.run()).to.have.property('newAccessKey')
    world.expectSafe()
  })

  it('DeleteAccessKey refused: not retried, and the error says the new key is stored', async () => {
    const world = new World()
    world.deleteAlwaysFails = awsError('AccessDenied')
    const error = (await world.run()) as VaultError
    expect(error.message).to.match(/^the new key \*{16}0001 is stored and works, but the old key \*{16}0001 could not be deleted/)
    expect(world.calls.filter((call) => call.startsWith('DeleteAccessKey'))).to.have.length(1)
    expect(world.valid.has(world.stored!.accessKeyId)).to.equal(true)
  })

  it('a key IAM no longer has counts as deleted', async () => {
    const world = new World()
    const deps = world.deps()
    const rotation = new Rotation(
      {profileName: 'bob', storedProfile: 'bob', waitMs: 1000},
      {
        ...deps,
        deleteAccessKey: async (credentials, id, user) => {
          await deps.deleteAccessKey(credentials, id, user)
          throw awsError('NoSuchEntity')
        },
      },
    )
    expect(await world.run(rotation)).to.have.property('newAccessKey')
    world.expectSafe()
  })

  it('two keys already: refused before creating, both named redacted', async () => {
    const world = new World()
    world.iamKeys.push({accessKeyId: 'AKIAOTHER00000000XYZ', secretAccessKey: 'x'})
    const error = (await world.run()) as VaultError
    expect(error.code).to.equal('ACCESS_KEY_LIMIT')
    expect(error.message).to.equal(
      'IAM user bob already has two access keys, the most IAM allows: ****************0001 (stored here, active) and ****************0XYZ (not stored here, active)',
    )
    expect(error.message).to.not.include('AKIAOTHER')
    expect(world.calls).to.not.include('CreateAccessKey')
  })

  it('interrupted before the new key is stored: it is deleted again', async () => {
    const world = new World()
    const rotation = world.rotation()
    await rotation.findStoredKey()
    await rotation.getCredentials()
    expect(rotation.interrupt()).to.equal(true)
    const fresh = new World()
    const second = fresh.rotation()
    await second.findStoredKey()
    await second.getCredentials()
    await second.createKey()
    expect(second.interrupt()).to.equal(false)
    const error = await second.waitForNewKey().catch((caught: unknown) => caught)
    expect(error).to.have.property('code', 'ABORTED')
    fresh.expectSafe()
  })

  it('never deletes the old key before the new one is stored', async () => {
    const world = new World()
    const rotation = world.rotation()
    await rotation.findStoredKey()
    await rotation.getCredentials()
    await rotation.createKey()
    const error = await rotation.deleteOldKey().catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(Error)
    expect(world.iamKeys).to.have.length(2)
  })
})

describe('retryUntil', () => {
  it('grows the wait and stops at the budget with the last error', async () => {
    let clock = 0
    const waits: number[] = []
    const error = await retryUntil(
      async (attempt) => {
        throw new Error(`try ${attempt}`)
      },
      {
        budgetMs: 3000,
        now: () => clock,
        sleep: async (ms) => {
          waits.push(ms)
          clock += ms
        },
      },
    ).catch((caught: unknown) => caught)
    expect((error as Error).message).to.equal('try 5')
    expect(waits).to.deep.equal([250, 500, 1000, 1250])
  })

  it('stops at once on a final error', async () => {
    let tries = 0
    const error = await retryUntil(
      async () => {
        tries++
        throw awsError('AccessDenied')
      },
      {budgetMs: 10_000, isFinal: (caught) => (caught as Error).name === 'AccessDenied', sleep: async () => {}},
    ).catch((caught: unknown) => caught)
    expect(error).to.have.property('name', 'AccessDenied')
    expect(tries).to.equal(1)
  })
})

describe('formatKeyForDisplay', () => {
  it('shows sixteen stars and the last four characters, as aws-vault does', () => {
    expect(formatKeyForDisplay('AKIAIOSFODNN7EXAMPLE')).to.equal('****************MPLE')
  })
})
