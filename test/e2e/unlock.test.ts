import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {fakeAccessKey, runNode, Sandbox, vaultBin, type RunResult} from '../helpers/cli.ts'
import {shellQuote, TmuxSession} from '../helpers/tmux.ts'
import {ChainWorld, type ProcessCredentials} from './chain-helpers.ts'

interface UnlockedStore {
  backend: string
  holds: 'keys' | 'sessions'
  store: string
  until: string
}

interface BackendRow {
  id: string
  unlocked?: boolean
  unlockedUntil?: string
  sessions?: {store: string; unlocked: boolean; unlockedUntil?: string}
}

/** The real AWS CLI reading a profile's credential_process, with no terminal (its own session) and nothing of this machine. */
function awsExportCredentials(profile: string, env: Record<string, string>): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn('/usr/bin/aws', ['configure', 'export-credentials', '--profile', profile, '--format', 'process'], {
      detached: true,
      env: {AWS_SHARED_CREDENTIALS_FILE: '/dev/null', PATH: process.env.PATH ?? '/usr/bin:/bin', ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}))
  })
}

/** vault unlock / vault lock for the file store, through the built binary, with no terminal anywhere. */
describe('vault unlock and vault lock (file store, built binary)', function () {
  // About twenty vault runs per test, each a second or more on a loaded machine.
  this.timeout(180_000)
  let sandbox: Sandbox
  let keys: {accessKeyId: string; secretAccessKey: string}

  beforeEach(async function () {
    sandbox = new Sandbox()
    sandbox.writeConfig(
      `[profile work]\nregion = eu-west-1\n[profile tool]\ncredential_process = ${process.execPath} ${vaultBin} exec work --json --no-session\n`,
    )
    keys = fakeAccessKey()
    await sandbox.addKey('work', keys.accessKeyId, keys.secretAccessKey)
  })

  afterEach(async function () {
    await run(['lock'])
    sandbox.cleanup()
  })

  /** No AWS_VAULT_FILE_PASSPHRASE and no controlling terminal (setsid): only what unlock kept can open the store. */
  function run(args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
    return runNode([vaultBin, ...args], {
      cwd: sandbox.home,
      detached: true,
      env: sandbox.env({AWS_VAULT_FILE_PASSPHRASE: undefined, ...env}),
    })
  }

  async function fileRow(): Promise<BackendRow> {
    const result = await run(['backends', '--json'])
    expect(result.code, result.stderr).to.equal(0)
    const rows = JSON.parse(result.stdout).result as BackendRow[]
    return rows.find((row) => row.id === 'file')!
  }

  function expectAsked(result: RunResult): void {
    expect(result.code).to.not.equal(0)
    expect(result.stderr.split('\n')[0]).to.equal('vault: no terminal to ask for the backend passphrase')
  }

  it('asks nothing once unlocked, until vault lock; vault backends shows it', async function () {
    expectAsked(await run(['export', 'work', '--no-session', '--format', 'json']))
    expect(await fileRow()).to.include({unlocked: false})

    const unlocked = await run(['unlock', '--for', '30m', '--json'], {AWS_VAULT_FILE_PASSPHRASE: sandbox.passphrase})
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    const {result: unlockResult} = JSON.parse(unlocked.stdout) as {result: {stores: UnlockedStore[]}}
    expect(unlockResult.stores).to.have.length(1)
    const [result] = unlockResult.stores as [UnlockedStore]
    expect(result).to.include({backend: 'file', holds: 'keys', store: sandbox.keysDir})
    expect(unlocked.stdout).to.not.include(sandbox.passphrase)

    const exported = await run(['export', 'work', '--no-session', '--format', 'json'])
    expect(exported.code, exported.stderr).to.equal(0)
    expect(JSON.parse(exported.stdout)).to.include({AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey})
    // Writing works too: the kept passphrase is the store's.
    const second = fakeAccessKey()
    const added = await run(['add', 'second', '--env', '--no-add-config'], {
      AWS_ACCESS_KEY_ID: second.accessKeyId,
      AWS_SECRET_ACCESS_KEY: second.secretAccessKey,
    })
    expect(added.code, added.stderr).to.equal(0)
    const readBack = await sandbox.run(['export', 'second', '--no-session', '--format', 'json'])
    expect(JSON.parse(readBack.stdout)).to.include({AccessKeyId: second.accessKeyId})

    const row = await fileRow()
    expect(row, 'no session store, no sessions state').to.not.have.property('sessions')
    expect(row.unlocked).to.equal(true)
    expect(row.unlockedUntil).to.equal(result.until)
    const table = await run(['backends'])
    expect(table.stdout).to.match(/^file .*yes, unlocked until \d\d:\d\d:\d\d \(in \d+m\)/m)

    const locked = await run(['lock'])
    expect(locked.code, locked.stderr).to.equal(0)
    expect(locked.stdout).to.equal(`Locked the file store ${sandbox.keysDir}.\n`)
    expectAsked(await run(['export', 'work', '--no-session', '--format', 'json']))
    expect(await fileRow()).to.include({unlocked: false})
    expect((await run(['lock'])).stdout).to.equal(`The file store ${sandbox.keysDir} was not unlocked.\n`)
  })

  it('serves credential_process from the AWS CLI with no terminal and no passphrase variable', async function () {
    const cli = () =>
      awsExportCredentials('tool', {
        AWS_CONFIG_FILE: sandbox.configFile,
        AWS_VAULT_BACKEND: 'file',
        AWS_VAULT_FILE_DIR: sandbox.keysDir,
        HOME: sandbox.home,
      })
    const before = await cli()
    expect(before.code).to.not.equal(0)
    expect(before.stderr).to.include('no terminal to ask for the backend passphrase')

    const unlocked = await run(['unlock'], {AWS_VAULT_FILE_PASSPHRASE: sandbox.passphrase})
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    expect(unlocked.stdout).to.match(/^Unlocked the file store .* until \d\d:\d\d:\d\d \(in (59m|1h00m)\)\.\n$/)
    const after = await cli()
    expect(after.code, after.stderr).to.equal(0)
    expect(JSON.parse(after.stdout)).to.include({AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey})
  })

  it('keeps nothing for a wrong passphrase or none, and refuses a bad --for in one line', async function () {
    const wrong = await run(['unlock'], {AWS_VAULT_FILE_PASSPHRASE: 'not-the-passphrase'})
    expect(wrong.code).to.equal(77)
    expect(wrong.stderr).to.match(/^vault: the passphrase does not decrypt \S+\n$/)
    expect(await fileRow()).to.include({unlocked: false})

    const noTerminal = await run(['unlock'])
    expectAsked(noTerminal)

    for (const bad of ['2d', '0s', 'soon']) {
      const result = await run(['unlock', '--for', bad], {AWS_VAULT_FILE_PASSPHRASE: sandbox.passphrase})
      expect(result.code, bad).to.equal(2)
      expect(result.stderr.split('\n')[0]).to.match(/^vault: --for "[^"]+" is (not a duration|outside 1s to 24h)$/)
    }
    expect(await fileRow()).to.include({unlocked: false})
  })

  it('forgets the passphrase once --for has passed: the store asks again', async function () {
    const unlocked = await run(['unlock', '--for', '1s'], {AWS_VAULT_FILE_PASSPHRASE: sandbox.passphrase})
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    // Waits for the kernel to expire the key, however long this machine takes to get there.
    while ((await fileRow()).unlocked) await sleep(200)
    expectAsked(await run(['export', 'work', '--no-session', '--format', 'json']))
  })
})

/** The same with sessions in a file store of their own (--session-backend file), which has a passphrase of its own. */
describe('vault unlock and vault lock with a session store of its own (built binary)', function () {
  this.timeout(180_000)
  const sessionPassphrase = 'the-session-store-passphrase'
  let world: ChainWorld
  let sessionDir: string
  let sessionEnv: Record<string, string>

  beforeEach(async function () {
    world = await ChainWorld.start(
      {users: [{name: 'work'}]},
      () => `[profile work]\nregion = eu-west-1\n[profile tool]\ncredential_process = ${process.execPath} ${vaultBin} exec work --json\n`,
      ['work'],
    )
    sessionDir = join(world.sandbox.home, 'sessions')
    sessionEnv = {AWS_VAULT_SESSION_BACKEND: 'file', AWS_VAULT_SESSION_FILE_DIR: sessionDir}
  })

  afterEach(async function () {
    await run(['lock'], sessionEnv)
    await world.stop()
  })

  /** No passphrase variable unless given, no controlling terminal. */
  function run(args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
    return runNode([vaultBin, ...args], {
      cwd: world.sandbox.home,
      detached: true,
      env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url, AWS_VAULT_FILE_PASSPHRASE: undefined, ...env}),
    })
  }

  /** A session of `work` cached in the session store under `passphrase`. */
  async function cacheSession(passphrase: string): Promise<ProcessCredentials> {
    const made = await run(['exec', 'work', '--json'], {
      ...sessionEnv,
      AWS_VAULT_FILE_PASSPHRASE: world.sandbox.passphrase,
      AWS_VAULT_SESSION_FILE_PASSPHRASE: passphrase,
    })
    expect(made.code, made.stderr).to.equal(0)
    expect(readdirSync(sessionDir).filter((name) => name.startsWith('sts.'))).to.have.length(1)
    return JSON.parse(made.stdout) as ProcessCredentials
  }

  const cli = () =>
    awsExportCredentials('tool', {
      ...sessionEnv,
      AWS_CONFIG_FILE: world.sandbox.configFile,
      AWS_ENDPOINT_URL: world.aws.url,
      AWS_VAULT_BACKEND: 'file',
      AWS_VAULT_FILE_DIR: world.sandbox.keysDir,
      HOME: world.sandbox.home,
    })

  async function fileRow(): Promise<BackendRow> {
    const result = await run(['backends', '--json'], sessionEnv)
    expect(result.code, result.stderr).to.equal(0)
    return (JSON.parse(result.stdout).result as BackendRow[]).find((row) => row.id === 'file')!
  }

  it('unlocks both stores, each with its own passphrase: the AWS CLI then reads the cached session with no terminal; vault lock forgets both', async function () {
    const session = await cacheSession(sessionPassphrase)
    const calls = world.stsCalls().length

    // The long-term store alone unlocked: the session store still has no one to ask its passphrase.
    const keysOnly = await run(['unlock'], {AWS_VAULT_FILE_PASSPHRASE: world.sandbox.passphrase})
    expect(keysOnly.code, keysOnly.stderr).to.equal(0)
    const before = await cli()
    expect(before.code).to.not.equal(0)
    expect(before.stderr).to.include('no terminal to ask for the session store passphrase')
    expect(await fileRow()).to.deep.include({sessions: {store: sessionDir, unlocked: false}})

    const unlocked = await run(['unlock', '--for', '30m', '--json'], {...sessionEnv, AWS_VAULT_SESSION_FILE_PASSPHRASE: sessionPassphrase})
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    const {stores} = JSON.parse(unlocked.stdout).result as {stores: UnlockedStore[]}
    expect(stores.map(({backend, holds, store}) => ({backend, holds, store}))).to.deep.equal([
      {backend: 'file', holds: 'keys', store: world.sandbox.keysDir},
      {backend: 'file', holds: 'sessions', store: sessionDir},
    ])
    expect(unlocked.stdout).to.not.include(sessionPassphrase)

    const after = await cli()
    expect(after.code, after.stderr).to.equal(0)
    expect(JSON.parse(after.stdout)).to.include({AccessKeyId: session.AccessKeyId, SessionToken: session.SessionToken})
    expect(world.stsCalls(), 'the cached session, no new STS call').to.have.length(calls)

    const row = await fileRow()
    expect(row).to.include({unlocked: true})
    expect(row.sessions).to.deep.equal({store: sessionDir, unlocked: true, unlockedUntil: stores[1]!.until})
    const table = await run(['backends'], sessionEnv)
    expect(table.stdout).to.match(/^file .*yes, unlocked until \S+ \(in \S+\); sessions unlocked until \S+ \(in \d+m\)/m)

    const locked = await run(['lock'], sessionEnv)
    expect(locked.code, locked.stderr).to.equal(0)
    expect(locked.stdout).to.equal(`Locked the file store ${world.sandbox.keysDir}.\nLocked the file store ${sessionDir} (sessions).\n`)
    const relocked = await cli()
    expect(relocked.code).to.not.equal(0)
    expect(relocked.stderr).to.include('no terminal to ask for the')
    expect(await fileRow()).to.deep.include({unlocked: false, sessions: {store: sessionDir, unlocked: false}})
  })

  it('the session store takes the passphrase that opened the long-term store when it opens it too, and asks for its own otherwise', async function () {
    // The same passphrase in both: unlocking with the long-term store's kept passphrase opens both, no terminal needed.
    await cacheSession(world.sandbox.passphrase)
    expect((await run(['unlock'], {AWS_VAULT_FILE_PASSPHRASE: world.sandbox.passphrase})).code).to.equal(0)
    const shared = await run(['unlock'], sessionEnv)
    expect(shared.code, shared.stderr).to.equal(0)
    expect(shared.stdout).to.match(new RegExp(`\\nUnlocked the file store ${sessionDir} \\(sessions\\) until `))
    expect((await cli()).code).to.equal(0)
    await run(['lock'], sessionEnv)

    // Another passphrase: the long-term one does not open it, so it is asked for, and there is no terminal.
    rmSessions()
    await cacheSession(sessionPassphrase)
    expect((await run(['unlock'], {AWS_VAULT_FILE_PASSPHRASE: world.sandbox.passphrase})).code).to.equal(0)
    const other = await run(['unlock'], sessionEnv)
    expect(other.code).to.not.equal(0)
    expect(other.stderr.split('\n')[0]).to.equal('vault: no terminal to ask for the session store passphrase')
    expect((await fileRow()).sessions).to.include({unlocked: false})
    // A wrong session variable keeps nothing for that store either.
    const wrong = await run(['unlock'], {...sessionEnv, AWS_VAULT_SESSION_FILE_PASSPHRASE: 'not-it'})
    expect(wrong.code).to.equal(77)
    expect(wrong.stderr).to.match(new RegExp(`^vault: the passphrase does not decrypt ${sessionDir}/\\S+\\n$`))
    expect((await fileRow()).sessions).to.include({unlocked: false})
  })

  it('typed on a terminal: one question when both stores share the passphrase, a second naming the session store when they do not', async function () {
    await cacheSession(sessionPassphrase)
    const tty = new TmuxSession(
      `${shellQuote(process.execPath)} ${shellQuote(vaultBin)} unlock`,
      world.sandbox.env({...sessionEnv, AWS_VAULT_FILE_PASSPHRASE: undefined, TERM: 'xterm'}),
    )
    try {
      await tty.waitFor(new RegExp(`Enter passphrase to unlock "${world.sandbox.keysDir}"`))
      tty.type(world.sandbox.passphrase)
      tty.press('Enter')
      await tty.waitFor(new RegExp(`Enter passphrase to unlock "${sessionDir}"`))
      tty.type(sessionPassphrase)
      tty.press('Enter')
      const screen = await tty.waitFor(/EXIT=\d+/)
      expect(screen).to.match(/EXIT=0/)
      expect(screen).to.include(`Unlocked the file store ${sessionDir} (sessions) until`)
      expect(screen).to.not.include(sessionPassphrase)
    } finally {
      tty.close()
    }
    expect((await cli()).code).to.equal(0)
    await run(['lock'], sessionEnv)

    rmSessions()
    await cacheSession(world.sandbox.passphrase)
    const once = new TmuxSession(
      `${shellQuote(process.execPath)} ${shellQuote(vaultBin)} unlock`,
      world.sandbox.env({...sessionEnv, AWS_VAULT_FILE_PASSPHRASE: undefined, TERM: 'xterm'}),
    )
    try {
      await once.waitFor(/Enter passphrase to unlock/)
      once.type(world.sandbox.passphrase)
      once.press('Enter')
      const screen = await once.waitFor(/EXIT=\d+/)
      expect(screen).to.match(/EXIT=0/)
      expect(screen.match(/Enter passphrase/g)).to.have.length(1)
      expect(screen).to.include(`Unlocked the file store ${sessionDir} (sessions) until`)
    } finally {
      once.close()
    }
    expect((await cli()).code).to.equal(0)
  })

  function rmSessions(): void {
    for (const name of readdirSync(sessionDir)) rmSync(join(sessionDir, name), {force: true})
  }
})
