import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {setTimeout as sleep} from 'node:timers/promises'

import {fakeAccessKey, runNode, Sandbox, vaultBin, type RunResult} from '../helpers/cli.ts'

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

  async function fileRow(): Promise<{unlocked?: boolean; unlockedUntil?: string}> {
    const result = await run(['backends', '--json'])
    expect(result.code, result.stderr).to.equal(0)
    const rows = JSON.parse(result.stdout).result as Array<{id: string; unlocked?: boolean; unlockedUntil?: string}>
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
    const {result} = JSON.parse(unlocked.stdout) as {result: {backend: string; store: string; until: string}}
    expect(result).to.include({backend: 'file', store: sandbox.keysDir})
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
      new Promise<RunResult>((resolve, reject) => {
        const child = spawn('/usr/bin/aws', ['configure', 'export-credentials', '--profile', 'tool', '--format', 'process'], {
          detached: true,
          env: {
            AWS_CONFIG_FILE: sandbox.configFile,
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
            AWS_VAULT_BACKEND: 'file',
            AWS_VAULT_FILE_DIR: sandbox.keysDir,
            HOME: sandbox.home,
            PATH: process.env.PATH ?? '/usr/bin:/bin',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
        child.on('error', reject)
        child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}))
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
