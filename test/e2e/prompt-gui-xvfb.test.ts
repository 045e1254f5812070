import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'

import {runNode, Sandbox, vaultBin, type RunResult} from '../helpers/cli.ts'
import {type Emulator, startEmulator} from '../helpers/emulator.ts'
import {linkPlugin, VirtualDisplay} from './prompt-gui-helpers.ts'

const run = promisify(execFile)

// The real dialogs on a private X server (Xvfb), answered with xdotool as a user would.
describe('GUI prompt drivers on a real X server (Xvfb, xdotool)', function () {
  this.timeout(60_000)
  let aws: Emulator
  let display: VirtualDisplay
  let sandbox: Sandbox
  let serial: string

  before(async () => {
    aws = await startEmulator({users: [{name: 'alice', mfa: true}]})
    serial = aws.user('alice').mfaSerial as string
    display = await VirtualDisplay.start()
  })

  after(async () => {
    display.stop()
    await aws.stop()
  })

  beforeEach(async () => {
    sandbox = new Sandbox()
    sandbox.writeConfig(`[profile p]\nregion = us-east-1\nmfa_serial = ${serial}\n`)
    const key = aws.credentials('alice')
    await sandbox.addKey('p', key.accessKeyId, key.secretAccessKey)
    linkPlugin(sandbox)
    aws.advance(30)
    aws.clearCalls()
  })

  afterEach(() => sandbox.cleanup())

  function vault(args: string[]): Promise<RunResult> {
    // detached: no controlling terminal; the dialog is the only way to ask
    return runNode([vaultBin, ...args], {
      cwd: sandbox.home,
      detached: true,
      env: sandbox.env({AWS_ENDPOINT_URL: aws.url, DISPLAY: display.display}),
    })
  }

  for (const {id, title} of [
    {id: 'zenity', title: '^aws-vault$'},
    // KDE appends " — KDialog" to the title, and xdotool's patterns do not take the dash
    {id: 'kdialog', title: '^aws-vault'},
  ]) {
    it(`${id}: the code typed into the dialog reaches AWS`, async () => {
      const exported = vault(['export', 'p', '--format', 'json', '--prompt', id])
      await display.answer(title, aws.totp(serial), 'Return')
      const result = await exported
      expect(result.stderr).not.to.match(/^vault:/m)
      expect(result.code).to.equal(0)
      const {AccessKeyId} = JSON.parse(result.stdout) as {AccessKeyId: string}
      expect(aws.session(AccessKeyId)?.mfa).to.equal(true)
      expect(aws.callsOf('GetSessionToken')[0]?.params.SerialNumber).to.equal(serial)
    })

    it(`${id}: Escape cancels with exit 130`, async () => {
      const exported = vault(['exec', 'p', '--prompt', id, '--', 'true'])
      await display.answer(title, undefined, 'Escape')
      const result = await exported
      expect(result.code).to.equal(130)
      expect(result.stderr.split('\n')[0]).to.equal(`vault: cancelled at the ${id} prompt`)
      expect(aws.callsOf('GetSessionToken')).to.have.length(0)
    })
  }

  it('the real AWS CLI v2 runs `credential_process = vault exec p --json --prompt zenity` and gets an MFA session', async () => {
    sandbox.writeConfig(
      [
        '[profile p]',
        'region = us-east-1',
        `mfa_serial = ${serial}`,
        '',
        '[profile via-vault]',
        'region = us-east-1',
        `credential_process = ${process.execPath} ${vaultBin} exec p --json --prompt zenity`,
        '',
      ].join('\n'),
    )
    const env = {
      ...sandbox.env({AWS_ENDPOINT_URL: aws.url, DISPLAY: display.display}),
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      PATH: '/usr/bin:/bin',
    }
    // The AWS CLI 2.9 knows no AWS_ENDPOINT_URL: it gets the endpoint as a flag, vault from the environment
    const cli = run(
      '/usr/bin/aws',
      ['sts', 'get-caller-identity', '--profile', 'via-vault', '--endpoint-url', aws.url, '--output', 'json'],
      {cwd: sandbox.home, env, timeout: 45_000},
    )
    await display.answer('^aws-vault$', aws.totp(serial), 'Return')
    const {stdout} = await cli.catch((error: {stderr?: string}) => {
      throw new Error(`aws failed: ${error.stderr}`)
    })
    const identity = JSON.parse(stdout) as {Arn: string; Account: string}
    expect(identity.Arn).to.equal(aws.user('alice').arn)
    const [caller] = aws.callsOf('GetCallerIdentity')
    expect(caller?.principal?.source).to.equal('GetSessionToken')
    expect(caller?.principal?.mfa).to.equal(true)
  })
})
