import {execFileSync, spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect} from 'chai'

import {PassphraseKeeper} from '../src/kept-passphrase.ts'
import {tempDir} from './support.ts'

const KEYCTL = spawnSync('sh', ['-c', 'command -v keyctl'], {encoding: 'utf8'}).stdout.trim()

/** Runs a shell line in a fresh session keyring that possesses the user keyring, as the keeper's own script does. */
function inUserSession(line: string): string {
  return execFileSync('keyctl', ['session', '-', 'sh', '-c', `keyctl link @u @s >/dev/null; ${line}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
}

/** The real kernel keyring through the real keyctl: what `vault unlock` keeps and how a run finds it. */
describe('file backend: the passphrase vault unlock keeps', function () {
  this.timeout(60_000)
  let store: Awaited<ReturnType<typeof tempDir>>
  const keepers: PassphraseKeeper[] = []

  before(function () {
    if (!KEYCTL) throw new Error('these tests need keyctl: apt-get install -y keyutils')
  })

  beforeEach(async function () {
    store = await tempDir()
  })

  afterEach(async function () {
    for (const keeper of keepers.splice(0)) await keeper.forget()
    await store.remove()
  })

  function keeperOf(dir: string, executable = KEYCTL): PassphraseKeeper {
    const keeper = new PassphraseKeeper(dir, {executable, path: process.env.PATH})
    keepers.push(keeper)
    return keeper
  }

  /** How many live keys of this description the user keyring holds. */
  function keysDescribed(description: string): number {
    const ids = inUserSession('keyctl rlist @u').trim().split(/\s+/).filter(Boolean)
    return ids.filter((id) => {
      const described = spawnSync('keyctl', ['session', '-', 'sh', '-c', `keyctl link @u @s >/dev/null; keyctl rdescribe ${id}`], {
        encoding: 'utf8',
      }).stdout
      return described.trim().endsWith(`;${description}`)
    }).length
  }

  it('reads back what it keeps, until when, replaces it on a second keep, and forgets it', async function () {
    const keeper = keeperOf(store.path)
    expect(await keeper.read()).to.equal(undefined)
    expect(await keeper.entry()).to.equal(undefined)
    const until = await keeper.keep('first passphrase\nwith a second line', 600)
    expect(await keeper.read()).to.equal('first passphrase\nwith a second line')
    expect((await keeper.entry())?.until.toISOString()).to.equal(until.toISOString())

    await keeper.keep('second passphrase', 900)
    expect(await keeper.read()).to.equal('second passphrase')
    expect(keysDescribed(keeper.description), 'one key per store').to.equal(1)

    // Another store's keeper finds nothing of this one's.
    expect(await keeperOf(join(store.path, 'other')).read()).to.equal(undefined)

    await keeper.forget()
    expect(await keeper.read()).to.equal(undefined)
    expect(keysDescribed(keeper.description)).to.equal(0)
  })

  it('finds the kept passphrase with as many keyctl runs whatever else the user keyring holds', async function () {
    // keyctl itself, behind a script that counts its runs (the keeper's own script calls it through the same path).
    const counter = join(store.path, 'runs')
    const counting = join(store.path, 'keyctl')
    writeFileSync(counting, `#!/bin/sh\necho run >> '${counter}'\nexec '${KEYCTL}' "$@"\n`, {mode: 0o700})
    const runsOf = async (read: () => Promise<unknown>) => {
      writeFileSync(counter, '')
      await read()
      return readFileSync(counter, 'utf8').split('\n').filter(Boolean).length
    }
    const keeper = keeperOf(join(store.path, 'store'), counting)
    await keeper.keep('the passphrase', 600)
    const quiet = await runsOf(() => keeper.read())

    const fillers: string[] = []
    try {
      for (let i = 0; i < 40; i++) {
        const id = execFileSync('keyctl', ['add', 'user', `vault-test-filler-${process.pid}-${i}`, 'x', '@u'], {encoding: 'utf8'}).trim()
        fillers.push(id)
        execFileSync('keyctl', ['timeout', id, '600'])
      }
      expect(await keeper.read()).to.equal('the passphrase')
      expect(await runsOf(() => keeper.read())).to.equal(quiet)
    } finally {
      for (const id of fillers) spawnSync('keyctl', ['unlink', id, '@u'])
    }
    // A process whose session keyring reaches the user keyring (a login session, a container) needs one run.
    const reaches = spawnSync(KEYCTL, ['pipe', `%user:${keeper.description}`]).status === 0
    if (reaches) expect(quiet).to.equal(1)
  })
})
