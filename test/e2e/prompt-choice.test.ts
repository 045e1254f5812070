import {expect} from 'chai'

import {runNode, Sandbox, vaultBin, type RunResult} from '../helpers/cli.ts'
import {type Emulator, startEmulator} from '../helpers/emulator.ts'

// Which MFA prompt the built vault uses, run without a controlling terminal (a new session),
// as credential_process and CI run it.
describe('MFA prompt choice (built binary, no terminal)', () => {
  let aws: Emulator
  let sandbox: Sandbox
  let serial: string

  before(async () => {
    aws = await startEmulator({users: [{name: 'alice', mfa: true}, {name: 'bob'}]})
    serial = aws.user('alice').mfaSerial as string
  })

  after(() => aws.stop())

  beforeEach(async () => {
    sandbox = new Sandbox()
    sandbox.writeConfig(`[profile p]\nregion = us-east-1\nmfa_serial = ${serial}\n\n[profile plain]\nregion = us-east-1\n`)
    const alice = aws.credentials('alice')
    const bob = aws.credentials('bob')
    await sandbox.addKey('p', alice.accessKeyId, alice.secretAccessKey)
    await sandbox.addKey('plain', bob.accessKeyId, bob.secretAccessKey)
    aws.clearCalls()
    aws.advance(30)
  })

  afterEach(() => sandbox.cleanup())

  function vault(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
    // detached: setsid, so the child has no controlling terminal even when mocha has one
    return runNode([vaultBin, ...args], {cwd: sandbox.home, detached: true, env: sandbox.env({AWS_ENDPOINT_URL: aws.url, ...env})})
  }

  it('refuses an unknown --prompt, listing the drivers there are', async () => {
    const result = await vault(['exec', 'p', '--prompt', 'zentiy', '--', 'true'])
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.equal('vault: unknown prompt driver "zentiy" (available: terminal)')
    expect(aws.calls).to.have.length(0)
  })

  it('reads the driver from AWS_VAULT_PROMPT, and checks it before any AWS call', async () => {
    const result = await vault(['export', 'plain'], {AWS_VAULT_PROMPT: 'zenity'})
    expect(result.code).to.equal(2)
    expect(result.stderr).to.match(/^vault: unknown prompt driver "zenity" \(available: terminal\)$/m)
    expect(result.stderr).to.include('Try this: install it: vault plugins install prompt-gui')
    expect(aws.calls).to.have.length(0)
  })

  it('explains that --prompt=pass is gone and how to keep using pass', async () => {
    const result = await vault(['exec', 'p', '--prompt=pass', '--', 'true'])
    expect(result.code).to.equal(2)
    expect(result.stderr).to.match(/^vault: --prompt=pass \(or AWS_VAULT_PROMPT=pass\) is not supported/)
    expect(result.stderr).to.include('mfa_process = pass otp <your mfa_serial>')
  })

  it('says how to give a code when no driver can ask here', async () => {
    const result = await vault(['exec', 'p', '--', 'true'])
    expect(result.code).to.equal(2)
    const [message, ...suggestions] = result.stderr.trim().split('\n')
    expect(message).to.equal('vault: no way to ask for an MFA code here (terminal: no controlling terminal (/dev/tty: ENXIO))')
    expect(suggestions.join('\n')).to.include('--mfa-token')
    expect(suggestions.join('\n')).to.include('mfa_process')
    expect(suggestions.join('\n')).to.include('--prompt or AWS_VAULT_PROMPT')
    expect(aws.callsOf('GetSessionToken')).to.have.length(0)
  })

  it('refuses a named terminal prompt when there is no terminal', async () => {
    const result = await vault(['exec', 'p', '--prompt', 'terminal', '--', 'true'])
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.equal(
      'vault: prompt driver "terminal" cannot be used here: no controlling terminal (/dev/tty: ENXIO)',
    )
  })

  it('needs no driver for a profile without MFA, nor with --mfa-token or mfa_process', async () => {
    expect((await vault(['exec', 'plain', '--', 'true'])).code).to.equal(0)
    expect((await vault(['exec', 'p', '--mfa-token', aws.totp(serial), '--', 'true'])).code).to.equal(0)
    aws.advance(30)
    sandbox.writeConfig(`[profile q]\nregion = us-east-1\nmfa_serial = ${serial}\nmfa_process = echo ${aws.totp(serial)}\n`)
    const alice = aws.credentials('alice')
    await sandbox.addKey('q', alice.accessKeyId, alice.secretAccessKey)
    expect((await vault(['exec', 'q', '--', 'true'])).code).to.equal(0)
    expect(aws.callsOf('GetSessionToken').map((call) => call.outcome.status)).to.deep.equal([200, 200, 200])
  })

  it('lists the drivers with `vault prompts`, the terminal unavailable without one', async () => {
    const result = await vault(['prompts', '--json'])
    expect(result.code).to.equal(0)
    const {result: rows} = JSON.parse(result.stdout) as {result: Array<Record<string, unknown>>}
    expect(rows).to.deep.equal([
      {
        automatic: false,
        available: false,
        id: 'terminal',
        needsTty: true,
        plugin: '@vault-aws/cli',
        reason: 'no controlling terminal (/dev/tty: ENXIO)',
        summary: 'Asks on the controlling terminal (/dev/tty); what you type is not shown',
      },
    ])
    const table = await vault(['prompts'])
    expect(table.stdout.split('\n')[0]).to.match(/^ID\s+PLUGIN\s+AVAILABLE\s+SUMMARY$/)
    expect(table.stdout).to.match(/^terminal\s+@vault-aws\/cli\s+no \(no controlling terminal/m)
    expect(table.stdout).to.include('No driver can ask for MFA codes here')
  })
})
