import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Sandbox, vaultBin} from '../helpers/cli.ts'
import {type Emulator, startEmulator} from '../helpers/emulator.ts'
import {shellQuote, TmuxSession} from '../helpers/tmux.ts'

// The terminal driver in a real pty: the built vault under tmux, keys typed with send-keys.
describe('terminal MFA prompt (built binary in a pty)', function () {
  this.timeout(30_000)
  let aws: Emulator
  let sandbox: Sandbox
  let serial: string
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
    aws.clearCalls()
    // Each test spends a code: move the device's clock on so the next one has a fresh one
    aws.advance(30)
  })

  afterEach(() => {
    session?.close()
    session = undefined
    sandbox.cleanup()
  })

  function start(args: string, extraEnv: Record<string, string> = {}): TmuxSession {
    const command = `${shellQuote(process.execPath)} ${shellQuote(vaultBin)} ${args}`
    session = new TmuxSession(command, sandbox.env({AWS_ENDPOINT_URL: aws.url, TERM: 'xterm', ...extraEnv}))
    return session
  }

  // capture-pane drops trailing spaces; the first test reads the exact line with -N
  const promptLine = (): RegExp => new RegExp(`Enter MFA code for ${serial.replaceAll('/', '\\/')}:`)

  function exactScreen(tty: TmuxSession): string {
    return execFileSync('tmux', ['-L', tty.socket, 'capture-pane', '-p', '-N', '-t', tty.name], {encoding: 'utf8'})
  }

  function sessionTokenCalls() {
    return aws.callsOf('GetSessionToken')
  }

  it("asks with aws-vault's words, hides the code, and reaches AWS with it", async () => {
    const tty = start(`exec p -- sh -c 'echo "child got $AWS_ACCESS_KEY_ID"'`)
    await tty.waitFor(promptLine())
    const code = aws.totp(serial)
    tty.type(code)
    expect(exactScreen(tty).split('\n')[0]).to.equal(`Enter MFA code for ${serial}: `)
    tty.press('Enter')
    const screen = await tty.waitFor(/EXIT=\d+/)
    expect(screen).to.match(/EXIT=0/)
    expect(screen).to.match(/child got ASIA/)
    expect(screen, 'the code must not be echoed').not.to.include(code)
    const calls = sessionTokenCalls()
    expect(calls).to.have.length(1)
    expect(calls[0]?.params.SerialNumber).to.equal(serial)
    expect(calls[0]?.outcome.status).to.equal(200)
    expect(calls[0]?.principal?.mfa).to.equal(false) // the caller is the long-term key; the session it gets has MFA
  })

  it('asks again when AWS refuses a well-formed code, and goes on with the next one', async () => {
    const tty = start(`exec p -- sh -c 'echo "child got $AWS_ACCESS_KEY_ID"'`)
    await tty.waitFor(promptLine())
    const good = aws.totp(serial)
    const wrong = good === '000000' ? '111111' : '000000'
    tty.type(wrong)
    tty.press('Enter')
    await tty.waitFor(/AWS refused the MFA code for .*; enter the next code \(2 left\)/)
    tty.type(good)
    tty.press('Enter')
    const screen = await tty.waitFor(/EXIT=\d+/)
    expect(screen).to.match(/EXIT=0/)
    expect(screen).to.match(/child got ASIA/)
    const calls = sessionTokenCalls()
    expect(calls.map((call) => call.outcome.status)).to.deep.equal([403, 200])
  })

  it('does not ask again when a code from --mfa-token is refused', async () => {
    const result = await sandbox.run(['exec', 'p', '--mfa-token', '000000', '--', 'true'], {env: {AWS_ENDPOINT_URL: aws.url}})
    expect(result.code).to.not.equal(0)
    expect(result.stderr).not.to.include('enter the next code')
    expect(sessionTokenCalls()).to.have.length(1)
  })

  it('keeps asking on the terminal while stdout goes into a pipe', async () => {
    const out = join(sandbox.home, 'exported')
    const tty = start(`export p --format json | cat > ${shellQuote(out)}`)
    await tty.waitFor(promptLine())
    const code = aws.totp(serial)
    tty.type(code)
    tty.press('Enter')
    const screen = await tty.waitFor(/EXIT=\d+/)
    expect(screen).to.match(/EXIT=0/)
    expect(screen).not.to.include(code)
    const exported = JSON.parse(readFileSync(out, 'utf8')) as {Version: number; AccessKeyId: string; SessionToken: string}
    expect(exported.Version).to.equal(1)
    expect(exported.AccessKeyId).to.match(/^ASIA/)
    expect(aws.session(exported.AccessKeyId)?.mfa).to.equal(true)
  })

  it('stops cleanly with exit 130 on Ctrl-C and leaves the terminal echoing', async () => {
    const tty = start(`exec p -- true; stty -a | grep -o -- '-\\?echo ' | head -1 | sed 's/^/ECHO:/'`)
    await tty.waitFor(promptLine())
    tty.type('12')
    tty.press('C-c')
    const screen = await tty.waitFor(/EXIT=\d+/)
    // `cmd; stty …` reports the exit status of the pipeline: read vault's from the message instead
    expect(screen).to.match(/^vault: cancelled at the MFA prompt$/m)
    expect(screen).to.match(/^ECHO:echo$/m)
    expect(screen).not.to.match(/\n\s+at /)
    expect(sessionTokenCalls()).to.have.length(0)
  })

  it('exits 130 on Ctrl-C', async () => {
    const tty = start('exec p -- true')
    await tty.waitFor(promptLine())
    tty.press('C-c')
    const screen = await tty.waitFor(/EXIT=\d+/)
    expect(screen).to.match(/EXIT=130/)
  })

  it('asks again after an entry that is not six digits, and gives up after three', async () => {
    const tty = start('exec p -- true')
    await tty.waitFor(promptLine())
    for (const bad of ['4321', 'abcdef', '']) {
      tty.type(bad)
      tty.press('Enter')
    }
    const screen = await tty.waitFor(/EXIT=\d+/)
    expect(screen.match(new RegExp(promptLine().source, 'g'))).to.have.length(3)
    expect(screen).to.include('An MFA code is 6 digits; try again (2 left).')
    expect(screen).to.include('An MFA code is 6 digits; try again (1 left).')
    expect(screen).to.match(new RegExp(`^vault: no valid MFA code for ${serial.replaceAll('/', '\\/')} after 3 attempts$`, 'm'))
    expect(screen).to.match(/EXIT=1/)
    expect(screen).not.to.include('4321')
    expect(screen).not.to.include('abcdef')
    expect(sessionTokenCalls()).to.have.length(0)
  })

  it('takes a good code after a bad one', async () => {
    const tty = start(`exec p -- sh -c 'echo "child got $AWS_ACCESS_KEY_ID"'`)
    await tty.waitFor(promptLine())
    tty.type('999')
    tty.press('Enter')
    await tty.waitFor(/1 left|2 left/)
    // Typing mistakes can be erased before Enter
    tty.type('77')
    tty.press('BSpace')
    tty.press('BSpace')
    tty.type(aws.totp(serial))
    tty.press('Enter')
    const screen = await tty.waitFor(/EXIT=\d+/)
    expect(screen).to.match(/EXIT=0/)
    expect(screen).to.match(/child got ASIA/)
  })

  it('uses the terminal when --prompt terminal names it', async () => {
    const tty = start('exec p --prompt terminal -- true')
    await tty.waitFor(promptLine())
    tty.type(aws.totp(serial))
    tty.press('Enter')
    expect(await tty.waitFor(/EXIT=\d+/)).to.match(/EXIT=0/)
  })

  it('`vault prompts` shows the terminal available and chosen by default', async () => {
    const tty = start('prompts')
    const screen = await tty.waitFor(/EXIT=\d+/)
    expect(screen).to.match(/^terminal \(default\)\s+@vault-aws\/cli\s+yes\s+Asks on the controlling terminal/m)
    expect(screen).to.match(/EXIT=0/)
  })
})
