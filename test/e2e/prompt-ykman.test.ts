import {expect} from 'chai'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {runNode, Sandbox, vaultBin, type RunResult} from '../helpers/cli.ts'
import {type Emulator, startEmulator} from '../helpers/emulator.ts'
import {shellQuote, TmuxSession} from '../helpers/tmux.ts'
import {fakeYkman, linkPlugin, recordedArgv} from './prompt-ykman-helpers.ts'

// The ykman driver in the built vault, linked as a user would link it, with a stand-in ykman
// that prints the emulator's current TOTP code.
describe('ykman prompt driver (built binary, linked plugin, stand-in ykman)', function () {
  this.timeout(30_000)
  let aws: Emulator
  let sandbox: Sandbox
  let serial: string
  let fake: ReturnType<typeof fakeYkman>
  let session: TmuxSession | undefined

  before(async () => {
    aws = await startEmulator({users: [{name: 'alice', mfa: true}]})
    serial = aws.user('alice').mfaSerial as string
  })

  after(() => aws.stop())

  beforeEach(async () => {
    sandbox = new Sandbox()
    sandbox.writeConfig(`[profile p]\nregion = us-east-1\nmfa_serial = ${serial}\n`)
    const key = aws.credentials('alice')
    await sandbox.addKey('p', key.accessKeyId, key.secretAccessKey)
    linkPlugin(sandbox)
    fake = fakeYkman(sandbox.home)
    aws.advance(30)
    writeFileSync(fake.codeFile, aws.totp(serial), {mode: 0o600})
    aws.clearCalls()
  })

  afterEach(() => {
    session?.close()
    session = undefined
    sandbox.cleanup()
  })

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return {AWS_ENDPOINT_URL: aws.url, PATH: `${fake.bin}:${process.env.PATH}`, ...extra}
  }

  function vault(args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
    // detached: no controlling terminal, as when an SDK runs credential_process from a GUI app
    return runNode([vaultBin, ...args], {cwd: sandbox.home, detached: true, env: sandbox.env(env(extra))})
  }

  it('is chosen when there is no terminal, runs `ykman oath accounts code --single <serial>`, and its code reaches AWS', async () => {
    const result = await vault(['export', 'p', '--format', 'json'])
    expect(result.stderr).not.to.match(/^vault:/m)
    expect(result.code).to.equal(0)
    expect(recordedArgv(fake.argvFile)).to.deep.equal(['oath', 'accounts', 'code', '--single', serial])
    expect(readFileSync(`${fake.argvFile}.env`, 'utf8').trim(), 'the file store passphrase stays with vault').to.equal('no-passphrase')
    const exported = JSON.parse(result.stdout) as {AccessKeyId: string}
    expect(aws.session(exported.AccessKeyId)?.mfa).to.equal(true)
    const [call] = aws.callsOf('GetSessionToken')
    expect(call?.params.SerialNumber).to.equal(serial)
    // Without a terminal, ykman's own messages go to vault's stderr
    expect(result.stderr).to.include('fake ykman: reading the OATH applet')
    expect(readFileSync(fake.stdinFile, 'utf8').trim()).to.equal('not-a-tty')
  })

  it('follows YKMAN_OATH_DEVICE_SERIAL, YKMAN_OATH_CREDENTIAL_NAME and AWS_VAULT_YKMAN_VERSION', async () => {
    const result = await vault(['exec', 'p', '--prompt', 'ykman', '--', 'true'], {
      AWS_VAULT_YKMAN_VERSION: '3',
      YKMAN_OATH_CREDENTIAL_NAME: 'Amazon Web Services:alice',
      YKMAN_OATH_DEVICE_SERIAL: '12345678',
    })
    expect(result.code, result.stderr).to.equal(0)
    expect(recordedArgv(fake.argvFile)).to.deep.equal(['--device', '12345678', 'oath', 'code', '--single', 'Amazon Web Services:alice'])
  })

  it('reports a failing ykman by name, with its exit code', async () => {
    const result = await vault(['exec', 'p', '--prompt', 'ykman', '--', 'true'], {FAKE_YKMAN_FAIL: '1'})
    expect(result.code).to.equal(1)
    expect(result.stderr).to.match(/^vault: the ykman prompt failed: ykman exited with code 2$/m)
    expect(aws.callsOf('GetSessionToken')).to.have.length(0)
  })

  it('is listed by `vault prompts` with the ykman it will run', async () => {
    const result = await vault(['prompts', '--json'])
    const rows = (
      JSON.parse(result.stdout) as {result: Array<{id: string; available: boolean; reason: string; plugin: string; automatic: boolean}>}
    ).result
    const ykman = rows.find((row) => row.id === 'ykman')
    expect(ykman).to.deep.include({
      automatic: true,
      available: true,
      plugin: '@vault-aws/plugin-prompt-ykman',
      reason: `uses ${join(fake.bin, 'ykman')}`,
    })
  })

  it('is unavailable, with the reason, when ykman is not on PATH', async () => {
    const result = await vault(['exec', 'p', '--prompt', 'ykman', '--', 'true'], {PATH: process.env.PATH ?? ''})
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.equal(
      'vault: prompt driver "ykman" cannot be used here: ykman is not on PATH (install YubiKey Manager)',
    )
  })

  it('tells the terminal to touch the YubiKey while ykman waits, with stdout in a pipe', async () => {
    const out = join(sandbox.home, 'exported')
    const command = `${shellQuote(process.execPath)} ${shellQuote(vaultBin)} export p --prompt ykman --format json | cat > ${shellQuote(out)}`
    session = new TmuxSession(command, sandbox.env(env({FAKE_YKMAN_WAIT: '1', TERM: 'xterm'})))
    const waiting = await session.waitFor(/touch your YubiKey/)
    expect(waiting).to.include('Waiting for ykman: touch your YubiKey if it is blinking…')
    // ykman's stdin and stderr are the terminal, as in aws-vault
    expect(waiting).to.include('fake ykman: reading the OATH applet')
    writeFileSync(fake.releaseFile, '')
    const screen = await session.waitFor(/EXIT=\d+/)
    expect(screen).to.match(/EXIT=0/)
    expect(readFileSync(fake.stdinFile, 'utf8').trim()).to.equal('tty')
    const exported = JSON.parse(readFileSync(out, 'utf8')) as {AccessKeyId: string}
    expect(aws.session(exported.AccessKeyId)?.mfa).to.equal(true)
  })
})
