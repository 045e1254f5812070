import {expect} from 'chai'
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {Sandbox} from '../helpers/cli.ts'
import {addListExec, awsVaultCredentialsJson, parseEnv, writeAwsVaultFile} from './backend-helpers.ts'

describe('file backend end to end (built binary)', function () {
  let sandbox: Sandbox

  beforeEach(function () {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\nregion = eu-west-1\n[profile legacy]\n')
  })

  afterEach(function () {
    sandbox.cleanup()
  })

  it('adds, lists and hands the keys to exec, one 0600 file per item', async function () {
    const {accessKeyId, secretAccessKey, child, listed} = await addListExec(sandbox, {AWS_VAULT_BACKEND: 'file'})
    expect(listed).to.equal('work\n')
    expect(child.AWS_ACCESS_KEY_ID).to.equal(accessKeyId)
    expect(child.AWS_SECRET_ACCESS_KEY).to.equal(secretAccessKey)
    expect(child.AWS_VAULT).to.equal('work')
    expect(readdirSync(sandbox.keysDir)).to.deep.equal(['work'])
    expect(statSync(join(sandbox.keysDir, 'work')).mode & 0o777).to.equal(0o600)
  })

  it('reads a store aws-vault wrote (JWE files made by another JOSE implementation)', async function () {
    await writeAwsVaultFile(
      sandbox.keysDir,
      'legacy',
      awsVaultCredentialsJson('AKIAOLDSTOREEXAMPLE1', 'old/secret+key'),
      sandbox.passphrase,
    )
    await writeAwsVaultFile(sandbox.keysDir, 'team/ops', awsVaultCredentialsJson('AKIAOLDSTOREEXAMPLE2', 'second'), sandbox.passphrase)
    const listed = await sandbox.run(['list', '--credentials'])
    expect(listed.stderr).to.equal('')
    expect(listed.stdout).to.equal('legacy\nteam/ops\n')
    const exec = await sandbox.run(['exec', 'legacy', '--no-session', '--', 'env'])
    expect(exec.code, exec.stderr).to.equal(0)
    const child = parseEnv(exec.stdout)
    expect(child.AWS_ACCESS_KEY_ID).to.equal('AKIAOLDSTOREEXAMPLE1')
    expect(child.AWS_SECRET_ACCESS_KEY).to.equal('old/secret+key')
  })

  it('refuses a wrong passphrase for an aws-vault store without printing it', async function () {
    await writeAwsVaultFile(sandbox.keysDir, 'legacy', awsVaultCredentialsJson('AKIAOLDSTOREEXAMPLE1', 'old'), sandbox.passphrase)
    const exec = await sandbox.run(['exec', 'legacy', '--no-session', '--', 'env'], {
      env: {AWS_VAULT_FILE_PASSPHRASE: 'not-the-passphrase'},
    })
    expect(exec.code).to.equal(77)
    expect(exec.stderr).to.match(/^vault: the passphrase does not decrypt /)
    expect(exec.stderr).not.to.include('not-the-passphrase')
  })
})
