import {expect} from 'chai'

import {fakeAccessKey, Sandbox} from '../helpers/cli.ts'

describe('vault export (built binary)', () => {
  let sandbox: Sandbox
  const key = fakeAccessKey()

  before(async () => {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\nregion = eu-central-1\n')
    await sandbox.addKey('work', key.accessKeyId, key.secretAccessKey)
  })

  after(() => sandbox.cleanup())

  const expected = (prefix: string, quote = '') =>
    [
      `${prefix}AWS_ACCESS_KEY_ID=${quote}${key.accessKeyId}${quote}`,
      `${prefix}AWS_SECRET_ACCESS_KEY=${quote}${key.secretAccessKey}${quote}`,
      `${prefix}AWS_REGION=${quote}eu-central-1${quote}`,
      `${prefix}AWS_DEFAULT_REGION=${quote}eu-central-1${quote}`,
      '',
    ].join('\n')

  it('prints env lines by default', async () => {
    const result = await sandbox.run(['export', 'work', '--no-session'])
    expect(result.code).to.equal(0)
    expect(result.stdout).to.equal(expected(''))
  })

  it('prints export lines, values single-quoted for the shell, with --format export-env', async () => {
    const result = await sandbox.run(['export', 'work', '--no-session', '--format', 'export-env'])
    expect(result.stdout).to.equal(expected('export ', "'"))
  })

  it('prints an INI section with --format ini, key=value as aws-vault writes it', async () => {
    const result = await sandbox.run(['export', 'work', '--no-session', '--format', 'ini'])
    expect(result.stdout).to.equal(
      `[work]\naws_access_key_id=${key.accessKeyId}\naws_secret_access_key=${key.secretAccessKey}\nregion=eu-central-1\n`,
    )
  })

  it('prints credential_process JSON with --format json, indented by two spaces as aws-vault prints it', async () => {
    const result = await sandbox.run(['export', 'work', '--no-session', '--format', 'json'])
    expect(result.stdout).to.equal(
      `{\n  "Version": 1,\n  "AccessKeyId": "${key.accessKeyId}",\n  "SecretAccessKey": "${key.secretAccessKey}"\n}\n`,
    )
  })

  it('rejects an unknown format, listing the valid ones', async () => {
    const result = await sandbox.run(['export', 'work', '--format', 'yaml'])
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.match(/^vault: .*yaml.*/)
    expect(result.stderr).to.match(/env, export-env, ini, json/)
    expect(result.stdout).to.equal('')
  })

  it('rejects an unknown profile without a stack trace', async () => {
    const result = await sandbox.run(['export', 'nobody', '--no-session'])
    expect(result.code).to.not.equal(0)
    expect(result.stderr).to.match(/^vault: .*"nobody"/)
    expect(result.stderr).not.to.match(/\n\s+at /)
  })
})
