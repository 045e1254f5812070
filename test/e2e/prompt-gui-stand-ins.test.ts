import {expect} from 'chai'
import {writeFileSync} from 'node:fs'

import {runNode, Sandbox, vaultBin, type RunResult} from '../helpers/cli.ts'
import {type Emulator, startEmulator} from '../helpers/emulator.ts'
import {fakeDialog, linkPlugin, recordedArgv} from './prompt-gui-helpers.ts'

// Each dialog driver in the built vault, with a stand-in program first on PATH that records
// its command line and prints the emulator's current code: what osascript would get on a Mac.
describe('GUI prompt drivers (built binary, linked plugin, stand-in dialogs)', function () {
  this.timeout(30_000)
  let aws: Emulator
  let sandbox: Sandbox
  let serial: string
  let message: string
  let fakes: Record<'kdialog' | 'osascript' | 'zenity', ReturnType<typeof fakeDialog>>

  before(async () => {
    aws = await startEmulator({users: [{name: 'alice', mfa: true}]})
    serial = aws.user('alice').mfaSerial as string
    message = `Enter MFA code for ${serial}: `
  })

  after(() => aws.stop())

  beforeEach(async () => {
    sandbox = new Sandbox()
    sandbox.writeConfig(`[profile p]\nregion = us-east-1\nmfa_serial = ${serial}\n`)
    const key = aws.credentials('alice')
    await sandbox.addKey('p', key.accessKeyId, key.secretAccessKey)
    linkPlugin(sandbox)
    fakes = {
      kdialog: fakeDialog(sandbox.home, 'kdialog'),
      osascript: fakeDialog(sandbox.home, 'osascript'),
      zenity: fakeDialog(sandbox.home, 'zenity'),
    }
    aws.advance(30)
    const code = aws.totp(serial)
    for (const fake of Object.values(fakes)) writeFileSync(fake.codeFile, code, {mode: 0o600})
    aws.clearCalls()
  })

  afterEach(() => sandbox.cleanup())

  function vault(args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> {
    const env = {AWS_ENDPOINT_URL: aws.url, DISPLAY: ':424242', PATH: `${fakes.zenity.bin}:${process.env.PATH}`, ...extra}
    // detached: no controlling terminal, so only the dialogs can ask
    return runNode([vaultBin, ...args], {cwd: sandbox.home, detached: true, env: sandbox.env(env)})
  }

  async function expectMfaSession(result: RunResult): Promise<void> {
    expect(result.stderr).not.to.match(/^vault:/m)
    expect(result.code).to.equal(0)
    const exported = JSON.parse(result.stdout) as {AccessKeyId: string}
    expect(aws.session(exported.AccessKeyId)?.mfa).to.equal(true)
  }

  it('osascript: `osascript -e <display dialog script>`, and the code reaches AWS', async () => {
    const result = await vault(['export', 'p', '--format', 'json', '--prompt', 'osascript'], {DISPLAY: undefined})
    await expectMfaSession(result)
    expect(recordedArgv(fakes.osascript.argvFile)).to.deep.equal([
      '-e',
      `\n\t\tdisplay dialog "${message}" default answer "" buttons {"OK", "Cancel"} default button 1\n        text returned of the result\n        return result`,
    ])
  })

  it('kdialog: `kdialog --inputbox <message> --title aws-vault`', async () => {
    await expectMfaSession(await vault(['export', 'p', '--format', 'json', '--prompt', 'kdialog']))
    expect(recordedArgv(fakes.kdialog.argvFile)).to.deep.equal(['--inputbox', message, '--title', 'aws-vault'])
  })

  it('zenity: `zenity --entry --title aws-vault --text <message>`', async () => {
    await expectMfaSession(await vault(['export', 'p', '--format', 'json', '--prompt', 'zenity']))
    expect(recordedArgv(fakes.zenity.argvFile)).to.deep.equal(['--entry', '--title', 'aws-vault', '--text', message])
  })

  it("without a terminal picks the first available dialog in aws-vault's order (kdialog before zenity)", async () => {
    await expectMfaSession(await vault(['export', 'p', '--format', 'json']))
    expect(recordedArgv(fakes.kdialog.argvFile)[0]).to.equal('--inputbox')
  })

  it('treats status 1 (the dialog closed) as a cancel: exit 130', async () => {
    writeFileSync(fakes.kdialog.statusFile, '1')
    const result = await vault(['exec', 'p', '--prompt', 'kdialog', '--', 'true'])
    expect(result.code).to.equal(130)
    expect(result.stderr.split('\n')[0]).to.equal('vault: cancelled at the kdialog prompt')
    expect(aws.callsOf('GetSessionToken')).to.have.length(0)
  })

  it("reports any other failure with the dialog's own complaint", async () => {
    writeFileSync(fakes.zenity.statusFile, '5')
    const result = await vault(['exec', 'p', '--prompt', 'zenity', '--', 'true'])
    expect(result.code).to.equal(1)
    expect(result.stderr.split('\n')[0]).to.equal(
      'vault: the zenity prompt failed: zenity exited with code 5: zenity: the stand-in says no',
    )
  })

  it('refuses zenity and kdialog without a display, and lists why in `vault prompts`', async () => {
    const result = await vault(['exec', 'p', '--prompt', 'zenity', '--', 'true'], {DISPLAY: undefined})
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.equal(
      'vault: prompt driver "zenity" cannot be used here: no display (DISPLAY and WAYLAND_DISPLAY are unset)',
    )
    const listed = await vault(['prompts', '--json'], {DISPLAY: undefined})
    const rows = (JSON.parse(listed.stdout) as {result: Array<{id: string; available: boolean; automatic: boolean; plugin: string}>}).result
    expect(rows.map((row) => [row.id, row.available, row.automatic])).to.deep.equal([
      ['terminal', false, false],
      ['kdialog', false, false],
      ['osascript', true, true],
      ['zenity', false, false],
    ])
    expect(rows[1]?.plugin).to.equal('@vault-aws/plugin-prompt-gui')
  })
})
