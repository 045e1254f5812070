import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import type {Emulator} from '../helpers/emulator.ts'
import {keyctlPluginDir, linkPlugin, xdgEnv} from './backend-helpers.ts'
import {ChainWorld} from './chain-helpers.ts'

const config = (aws: Emulator) => `
[profile alice]
region = eu-west-1

[profile admin]
region = eu-west-1
source_profile = alice
role_arn = ${aws.role('admin').arn}
`

const isSessionFile = (name: string) => name.startsWith('sts.')

/** Sessions in a store of their own (AWS_VAULT_SESSION_BACKEND / --session-backend), through the built binary. */
describe('sessions in a store of their own (built binary)', function () {
  this.timeout(180_000)
  let world: ChainWorld
  let sessionDir: string
  let sessionEnv: Record<string, string>

  beforeEach(async function () {
    world = await ChainWorld.start({roles: [{name: 'admin'}], users: [{name: 'alice'}]}, config, ['alice'])
    sessionDir = join(world.sandbox.home, 'sessions')
    sessionEnv = {
      AWS_VAULT_SESSION_BACKEND: 'file',
      AWS_VAULT_SESSION_FILE_DIR: sessionDir,
      AWS_VAULT_SESSION_FILE_PASSPHRASE: 'a-second-passphrase',
    }
  })

  afterEach(() => world.stop())

  const stored = (dir: string) => readdirSync(dir).sort()

  it('keeps sessions in the session store and keys in the other; list, describe, clear and remove look there', async function () {
    const first = await world.credentials('admin', [], sessionEnv)
    expect(first.SessionToken).to.be.a('string')
    await world.credentials('alice', [], sessionEnv)
    expect(stored(world.sandbox.keysDir)).to.deep.equal(['alice'])
    const sessions = stored(sessionDir)
    expect(sessions.filter(isSessionFile)).to.have.length(2)
    expect(sessions).to.not.include('alice')

    // Reused from the session store: no new STS call.
    const calls = world.stsCalls().length
    const again = await world.credentials('admin', [], sessionEnv)
    expect(again.AccessKeyId).to.equal(first.AccessKeyId)
    expect(world.stsCalls()).to.have.length(calls)

    const listed = await world.run(['list', '--json'], sessionEnv)
    expect(listed.code, listed.stderr).to.equal(0)
    const result = JSON.parse(listed.stdout).result as {sessions: Array<{profile: string}>; credentials?: unknown}
    expect(result.sessions.map((session) => session.profile).sort()).to.deep.equal(['admin', 'alice'])
    // Without the session settings, the long-term store alone has no sessions.
    const alone = JSON.parse((await world.run(['list', '--json'])).stdout).result as {sessions: unknown[]}
    expect(alone.sessions).to.deep.equal([])

    const described = await world.run(['describe', 'admin', '--json'], sessionEnv)
    expect(described.code, described.stderr).to.equal(0)
    expect(described.stdout).to.include('reuse-cached-session')

    const cleared = await world.run(['clear', 'admin'], sessionEnv)
    expect(cleared.stdout).to.equal('Cleared 1 sessions.\n')
    expect(stored(sessionDir).filter(isSessionFile)).to.have.length(1)
    const removed = await world.run(['remove', 'alice', '--sessions-only'], sessionEnv)
    expect(removed.stdout).to.equal('Deleted 1 sessions.\n')
    expect(stored(sessionDir).filter(isSessionFile)).to.deep.equal([])
    expect(stored(world.sandbox.keysDir)).to.deep.equal(['alice'])
  })

  it('unset, sessions live with the keys as before; --session-backend before the command works as the variable does', async function () {
    await world.credentials('admin')
    await world.credentials('alice')
    expect(stored(world.sandbox.keysDir).filter(isSessionFile)).to.have.length(2)

    const flagged = await world.run(['--session-backend', 'file', 'exec', 'admin', '--json'], {
      AWS_VAULT_SESSION_FILE_DIR: sessionDir,
      AWS_VAULT_SESSION_FILE_PASSPHRASE: 'a-second-passphrase',
    })
    expect(flagged.code, flagged.stderr).to.equal(0)
    expect(stored(sessionDir).filter(isSessionFile)).to.have.length(1)
  })

  it('puts sessions in the kernel keyring while the keys stay in the file store', async function () {
    if (spawnSync('sh', ['-c', 'command -v keyctl']).status !== 0) throw new Error('this test needs keyctl: apt-get install -y keyutils')
    await linkPlugin(world.sandbox, keyctlPluginDir)
    const ring = `vault-e2e-sessions-${randomBytes(4).toString('hex')}`
    const env = {...xdgEnv(world.sandbox), AWS_VAULT_SESSION_BACKEND: 'keyctl', AWS_VAULT_SESSION_KEYCTL_KEYRING: ring}
    try {
      const first = await world.credentials('admin', [], env)
      await world.credentials('alice', [], env)
      const calls = world.stsCalls().length
      const again = await world.credentials('admin', [], env)
      expect(again.AccessKeyId).to.equal(first.AccessKeyId)
      expect(world.stsCalls()).to.have.length(calls)
      expect(stored(world.sandbox.keysDir)).to.deep.equal(['alice'])
      const listed = JSON.parse((await world.run(['list', '--json'], env)).stdout).result as {sessions: Array<{profile: string}>}
      expect(listed.sessions.map((session) => session.profile).sort()).to.deep.equal(['admin', 'alice'])
      const cleared = await world.run(['clear'], env)
      expect(cleared.stdout).to.equal('Cleared 2 sessions.\n')
    } finally {
      spawnSync('keyctl', [
        'session',
        '-',
        'sh',
        '-c',
        'keyctl link @u @s >/dev/null; id=$(keyctl search @u keyring "$1" 2>/dev/null) && keyctl unlink "$id" @u >/dev/null; true',
        'sh',
        ring,
      ])
    }
  })
})
