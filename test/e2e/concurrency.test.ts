import {expect} from 'chai'
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {repoRoot, vaultBin} from '../helpers/cli.ts'
import type {Emulator} from '../helpers/emulator.ts'
import {ChainWorld, type ProcessCredentials} from './chain-helpers.ts'
import {patient} from '../helpers/patience.ts'

const PARALLEL = 50

/**
 * An mfa_process that counts how often a code was asked for and, while `hold` exists, announces
 * itself in `waiting` and waits: the lock holder can be killed, or let go on, while it waits for the code.
 */
function mfaScript(dir: string): string {
  const script = join(dir, 'mfa.sh')
  writeFileSync(
    script,
    `#!/bin/sh
echo asked >> '${dir}/asked'
if [ -e '${dir}/hold' ]; then echo $$ > '${dir}/waiting'; while [ -e '${dir}/hold' ]; do sleep 0.05; done; fi
cat '${dir}/code'
`,
    {mode: 0o700},
  )
  return script
}

const config = (script: string) => (aws: Emulator) =>
  `
[profile alice]
region = eu-west-1
mfa_serial = ${aws.user('alice').mfaSerial}
mfa_process = ${script}
`

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + patient(timeoutMs)
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()))
}

describe('one STS call and one MFA prompt under concurrency (built binary)', function () {
  this.timeout(180_000)
  let world: ChainWorld
  let dir: string

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vault-mfa-'))
    world = await ChainWorld.start({users: [{mfa: true, name: 'alice'}]}, config(mfaScript(dir)), ['alice'])
    // Dozens of processes may take longer than an MFA step to reach AWS on a loaded machine.
    world.aws.freeze()
    writeFileSync(join(dir, 'code'), `${world.aws.totp(world.serial('alice'))}\n`)
  })

  afterEach(async () => {
    await world.stop()
    rmSync(dir, {force: true, recursive: true})
  })

  const asked = () => (existsSync(join(dir, 'asked')) ? readFileSync(join(dir, 'asked'), 'utf8').trim().split('\n').length : 0)

  it(`${PARALLEL} parallel vault exec --json on a cold cache: one GetSessionToken, one MFA code, one session for all`, async () => {
    const results = await Promise.all(Array.from({length: PARALLEL}, () => world.run(['exec', 'alice', '--json'], {}, 150_000)))
    for (const result of results) expect(result.code, result.stderr).to.equal(0)
    expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['GetSessionToken'])
    expect(asked()).to.equal(1)
    const keys = new Set(results.map((result) => (JSON.parse(result.stdout) as ProcessCredentials).AccessKeyId))
    expect(keys.size).to.equal(1)
    const sessions = await world.run(['list', '--sessions'])
    expect(sessions.stdout.trim().split('\n')).to.have.length(1)
  })

  it('a process killed while holding the lock does not block the next one', async () => {
    writeFileSync(join(dir, 'hold'), '')
    const holder = spawn(process.execPath, [vaultBin, 'exec', 'alice', '--json'], {
      cwd: repoRoot,
      detached: true,
      env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url}),
      stdio: 'ignore',
    })
    // The holder is inside the lock, running mfa_process, when `waiting` appears.
    await waitFor(() => existsSync(join(dir, 'waiting')), 'the first vault to ask for its MFA code')
    process.kill(-holder.pid!, 'SIGKILL')
    await exited(holder)
    rmSync(join(dir, 'hold'))

    const next = await world.run(['exec', 'alice', '--json'], {}, 60_000)
    expect(next.code, next.stderr).to.equal(0)
    expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['GetSessionToken'])
    expect(asked()).to.equal(2)
  })

  it('a process waiting for the lock uses the session the holder made', async () => {
    writeFileSync(join(dir, 'hold'), '')
    const first = world.run(['exec', 'alice', '--json'], {}, 60_000)
    await waitFor(() => existsSync(join(dir, 'waiting')), 'the first vault to ask for its MFA code')
    const second = spawn(process.execPath, [vaultBin, 'exec', 'alice', '--json', '--debug'], {
      cwd: repoRoot,
      env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url}),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    second.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    second.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    await waitFor(() => stderr.includes('waiting for another vault process'), 'the second vault to wait for the lock')
    // Let the holder go on.
    rmSync(join(dir, 'hold'))
    const a = await first
    await exited(second)
    expect(a.code, a.stderr).to.equal(0)
    expect(second.exitCode, stderr).to.equal(0)
    expect(stderr).to.include('another vault process just made')
    expect(JSON.parse(stdout)).to.deep.equal(JSON.parse(a.stdout))
    expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['GetSessionToken'])
    expect(asked()).to.equal(1)
  })
})

describe('the file lock fallback (other platforms): stale-lock recovery after a crash', function () {
  this.timeout(60_000)
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-lock-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  const lockModule = join(repoRoot, 'src', 'lib', 'lock', 'index.ts')
  const holderScript = (marker: string) => `
    import {acquireLock} from ${JSON.stringify(lockModule)}
    import {writeFileSync} from 'node:fs'
    await acquireLock('slot', {strategy: 'file', directory: ${JSON.stringify(dir)}, staleMs: 2000})
    writeFileSync(${JSON.stringify(marker)}, 'held')
    setInterval(() => {}, 1000)
  `

  it('a lock whose holder was killed is taken over', async () => {
    const marker = join(dir, 'held')
    const holder = spawn(process.execPath, ['--input-type=module', '-e', holderScript(marker)], {stdio: 'ignore'})
    await waitFor(() => existsSync(marker), 'the holder to take the lock')
    holder.kill('SIGKILL')
    await exited(holder)
    const {withLock} = await import('../../src/lib/lock/index.ts')
    let waited = false
    const value = await withLock('slot', async () => 'mine', {
      directory: dir,
      onWait: () => (waited = true),
      staleMs: 2000,
      strategy: 'file',
    })
    expect(value).to.equal('mine')
    expect(waited).to.equal(true)
  })

  it('the socket lock is free the moment its holder dies', async () => {
    const marker = join(dir, 'held')
    const script = holderScript(marker).replace("strategy: 'file'", "strategy: 'socket'").replace("'slot'", "'socket-slot'")
    const holder = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: 'ignore'})
    await waitFor(() => existsSync(marker), 'the holder to take the lock')
    const {withLock} = await import('../../src/lib/lock/index.ts')
    let waited = false
    const pending = withLock('socket-slot', async () => 'mine', {onWait: () => (waited = true), strategy: 'socket'})
    await sleep(200)
    holder.kill('SIGKILL')
    expect(await pending).to.equal('mine')
    expect(waited).to.equal(true)
  })
})
