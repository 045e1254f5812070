// Crash safety of the file backend: vault add and session writes killed with SIGKILL at random
// moments leave every item old or new, never corrupt or missing.
import {expect} from 'chai'

import {startEmulator, type Emulator} from '../helpers/emulator.ts'
import {crashSeed, killRepeatedly} from './support/crash.ts'
import {readFileStore} from './support/stores.ts'
import {leaks} from './support/transcript.ts'
import {World} from './support/world.ts'

// Half of the 200 kills the security suite makes; VAULT_CRASH_KILLS changes it.
const KILLS = Number(process.env.VAULT_CRASH_KILLS ?? 100)

describe('crash safety: the file backend under SIGKILL (built binary)', function () {
  this.timeout(60_000 + KILLS * 2_000)
  let aws: Emulator
  let world: World

  before(async function () {
    aws = await startEmulator(crashSeed)
    world = new World()
    world.extraEnv.AWS_ENDPOINT_URL = aws.url
  })

  after(async function () {
    await aws?.stop()
    world?.cleanup()
  })

  it(`${KILLS} kills of vault add / vault exec (session writes) leave every item old or new, never corrupt or missing`, async function () {
    const counts = await killRepeatedly(
      world,
      aws,
      {
        dir: world.keysDir,
        keyOf: (file) => (file.startsWith('.') ? undefined : decodeURIComponent(file)),
        read: async (keys) => {
          const all = await readFileStore(world.keysDir, world.passphrase)
          for (const key of [...all.items.keys()]) if (!keys.includes(key)) all.items.delete(key)
          return all
        },
      },
      KILLS,
    )
    this.test!.title += ` (${JSON.stringify(counts)})`
    expect(counts.kills).to.equal(KILLS)
    // The kills landed on both sides of the write.
    expect(counts.addKilledOld, 'adds killed before the write').to.be.greaterThan(0)
    expect(counts.addKilledNew + counts.execKilledWithSession, 'runs killed after a write').to.be.greaterThan(0)

    // The store still works.
    const whole = await readFileStore(world.keysDir, world.passphrase)
    expect([...whole.corrupt]).to.deep.equal([])
    for (const profile of ['pat', 'quinn']) await world.ok(['exec', profile, '--json'], {credentialsOnStdout: true})
    expect((await world.ok(['list', '--credentials'])).stdout).to.include('rex')
  })

  it('everything vault printed in this file holds none of the test secrets', function () {
    expect(leaks().join('\n')).to.equal('')
  })
})
