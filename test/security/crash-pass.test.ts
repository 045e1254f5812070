// Crash safety of the pass backend: vault add and session writes killed with SIGKILL (vault,
// pass and gpg together) at random moments leave every item old or new, never corrupt or missing.
import {expect} from 'chai'
import {readdirSync, utimesSync} from 'node:fs'
import {join} from 'node:path'

import {startEmulator, type Emulator} from '../helpers/emulator.ts'
import {crashSeed, killRepeatedly} from './support/crash.ts'
import {createPassStore, linkPassBackend, PASS_PREFIX, type PassStore} from './support/pass-store.ts'
import {readPassStore} from './support/stores.ts'
import {leaks} from './support/transcript.ts'
import {World} from './support/world.ts'

// Half of the 200 kills the security suite makes; VAULT_CRASH_KILLS changes it.
const KILLS = Number(process.env.VAULT_CRASH_KILLS ?? 100)

describe('crash safety: the pass backend under SIGKILL (built binary)', function () {
  this.timeout(60_000 + KILLS * 3_000)
  let aws: Emulator
  let world: World
  let pass: PassStore

  before(async function () {
    aws = await startEmulator(crashSeed)
    world = new World()
    world.extraEnv.AWS_ENDPOINT_URL = aws.url
    pass = await createPassStore(world)
    Object.assign(world.extraEnv, pass.env)
    linkPassBackend(world)
  })

  after(async function () {
    await pass?.stopAgent()
    await aws?.stop()
    world?.cleanup()
  })

  it(`${KILLS} kills of vault add / vault exec (session writes) leave every item old or new, never corrupt or missing`, async function () {
    const dir = join(pass.store, PASS_PREFIX)
    const passEnv = world.env()
    const counts = await killRepeatedly(
      world,
      aws,
      {
        dir,
        keyOf: (file) =>
          file.endsWith('.gpg') && !file.split('/').some((part) => part.startsWith('.')) ? file.slice(0, -'.gpg'.length) : undefined,
        read: (keys) => readPassStore(passEnv, pass.store, PASS_PREFIX, keys),
      },
      KILLS,
    )
    this.test!.title += ` (${JSON.stringify(counts)})`
    expect(counts.kills).to.equal(KILLS)
    expect(counts.addKilledOld, 'adds killed before the write').to.be.greaterThan(0)
    expect(counts.addKilledNew + counts.execKilledWithSession, 'runs killed after a write').to.be.greaterThan(0)

    const whole = await readPassStore(passEnv, pass.store, PASS_PREFIX)
    expect([...whole.corrupt]).to.deep.equal([])
    for (const profile of ['pat', 'quinn']) await world.ok(['exec', profile, '--json'], {credentialsOnStdout: true})
    expect((await world.ok(['list', '--credentials'])).stdout).to.include('rex')
  })

  it('entries a killed writer left are never listed, and go once stale', async function () {
    const dir = join(pass.store, PASS_PREFIX)
    const strays = readdirSync(dir).filter((name) => name.startsWith('.vault-write-'))
    expect(strays.length, 'kills left entries being written').to.be.greaterThan(0)
    const listed = await world.ok(['list', '--credentials'])
    expect(listed.stdout).to.not.include('.vault-write-')
    const hoursAgo = new Date(Date.now() - 2 * 3600_000)
    for (const name of strays) utimesSync(join(dir, name), hoursAgo, hoursAgo)
    await world.ok(['exec', 'quinn', '--json'], {credentialsOnStdout: true, env: {AWS_MIN_TTL: '100h'}})
    expect(readdirSync(dir).filter((name) => name.startsWith('.vault-write-'))).to.deep.equal([])
  })

  it('everything vault printed in this file holds none of the test secrets', function () {
    expect(leaks().join('\n')).to.equal('')
  })
})
