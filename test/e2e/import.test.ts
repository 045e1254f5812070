import {expect} from 'chai'
import {chmodSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {gpgHome} from '../../plugins/backend-pass/test/support.ts'
import {Sandbox} from '../helpers/cli.ts'
import {linkPassPlugin, makePassStore, parseEnv, xdgEnv} from './backend-helpers.ts'

const credentials = `# keys for the team
[default]
aws_access_key_id = AKIAIMPORTDEFAULT001
aws_secret_access_key = default/Secret+Key1
region = eu-west-1

[work]
aws_access_key_id = AKIAIMPORTWORK000001
aws_secret_access_key = work/Secret+Key2

[temporary]
aws_access_key_id = ASIAIMPORTTEMP000001
aws_secret_access_key = temp
aws_session_token = token
`

describe('vault import from the shared credentials file (built binary)', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let file: string
  let env: Record<string, string | undefined>

  beforeEach(function () {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\nregion = us-west-2\n')
    file = join(sandbox.home, 'shared-credentials')
    writeFileSync(file, credentials)
    chmodSync(file, 0o640)
    env = {AWS_SHARED_CREDENTIALS_FILE: file}
  })

  afterEach(function () {
    sandbox.cleanup()
  })

  const backups = () => readdirSync(sandbox.home).filter((name) => name.startsWith('shared-credentials.vault-backup-'))

  it('moves the plaintext keys into the vault, then out of the file, keeping its mode, with a 0600 backup kept by --keep-backup', async function () {
    const result = await sandbox.run(['import', '--keep-backup'], {env})
    expect(result.code, result.stderr).to.equal(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines.slice(0, 2)).to.deep.equal([
      'imported "default" (AKIAIMPORTDEFAULT001), removed from the file',
      'imported "work" (AKIAIMPORTWORK000001), removed from the file',
    ])
    const [backup] = backups()
    expect(backup).to.match(/^shared-credentials\.vault-backup-\d{8}T\d{6}Z$/)
    expect(result.stderr).to.equal(
      `vault: warning: ${join(sandbox.home, backup!)} keeps the plaintext keys (mode 0600): remove it once you no longer need it\n` +
        `vault: warning: [temporary] holds temporary credentials (a session token): they expire, there is nothing to keep; left in ${file}\n`,
    )
    expect(result.stdout).not.to.include('Secret+Key')
    expect(lines).to.have.length(2)

    expect(readFileSync(file, 'utf8')).to.equal(`# keys for the team
[default]
region = eu-west-1

[temporary]
aws_access_key_id = ASIAIMPORTTEMP000001
aws_secret_access_key = temp
aws_session_token = token
`)
    expect(statSync(file).mode & 0o777).to.equal(0o640)
    expect(readFileSync(join(sandbox.home, backup!), 'utf8')).to.equal(credentials)
    expect(statSync(join(sandbox.home, backup!)).mode & 0o777).to.equal(0o600)

    const exec = await sandbox.run(['exec', 'work', '--no-session', '--', 'env'], {env})
    expect(exec.code, exec.stderr).to.equal(0)
    expect(parseEnv(exec.stdout)).to.include({
      AWS_ACCESS_KEY_ID: 'AKIAIMPORTWORK000001',
      AWS_SECRET_ACCESS_KEY: 'work/Secret+Key2',
      AWS_REGION: 'us-west-2',
    })
    expect((await sandbox.run(['list', '--credentials'], {env})).stdout).to.equal('default\nwork\n')
    // The default profile was missing from the config: added, as `vault add` does.
    expect(readFileSync(sandbox.configFile, 'utf8')).to.match(/^\[default\]$/m)

    const again = await sandbox.run(['import'], {env})
    expect(again.code).to.equal(0)
    expect(again.stdout).to.equal(`No plaintext keys to import in ${file}.\n`)
    expect(backups()).to.have.length(1)
  })

  it('changes nothing with --dry-run, and copies only with --keep', async function () {
    const dry = await sandbox.run(['import', '--dry-run', '--profile', 'work'], {env})
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.equal('would import "work" (AKIAIMPORTWORK000001)\n')
    expect((await sandbox.run(['list', '--credentials'], {env})).stdout).to.equal('')

    const kept = await sandbox.run(['import', '--keep', '--profile', 'work', '--json'], {env})
    const json = JSON.parse(kept.stdout)
    expect(json.result.profiles).to.deep.equal([
      {profile: 'work', accessKeyId: 'AKIAIMPORTWORK000001', action: 'imported', removedFromFile: false, configAdded: false},
    ])
    expect(json.result.backup).to.equal(null)
    expect(readFileSync(file, 'utf8')).to.equal(credentials)
    expect(backups()).to.deep.equal([])
  })

  it('leaves a profile whose vault keys differ in the file and exits 1', async function () {
    await sandbox.addKey('work', 'AKIAALREADYINVAULT01', 'vault-secret')
    const result = await sandbox.run(['import'], {env})
    expect(result.code).to.equal(1)
    expect(result.stdout).to.include('CONFLICT, the vault holds other keys, left in the file: "work" (AKIAIMPORTWORK000001)')
    expect(readFileSync(file, 'utf8')).to.include('aws_secret_access_key = work/Secret+Key2')
    expect(readFileSync(file, 'utf8')).not.to.include('AKIAIMPORTDEFAULT001')
    const exec = await sandbox.run(['exec', 'work', '--no-session', '--', 'env'], {env})
    expect(parseEnv(exec.stdout).AWS_ACCESS_KEY_ID).to.equal('AKIAALREADYINVAULT01')
  })

  it("keeps the file as it was when the backend cannot store the keys (pass without the recipient's key)", async function () {
    await linkPassPlugin(sandbox)
    const pass = await makePassStore(sandbox)
    const empty = await gpgHome(sandbox.home, '.gnupg-empty')
    try {
      const result = await sandbox.run(['import'], {
        env: {...env, ...xdgEnv(sandbox), ...pass.env, GNUPGHOME: empty.path, AWS_VAULT_BACKEND: 'pass'},
      })
      expect(result.code).to.equal(69)
      expect(result.stderr.split('\n')[0]).to.match(/^vault: gpg has no usable public key for /)
      expect(readFileSync(file, 'utf8')).to.equal(credentials)
      expect(backups()).to.deep.equal([])
    } finally {
      await empty.kill()
      await pass.gnupg.kill()
    }
  })

  it('imports into pass, and the keys work from there', async function () {
    await linkPassPlugin(sandbox)
    const pass = await makePassStore(sandbox)
    try {
      const passEnv = {...env, ...xdgEnv(sandbox), ...pass.env, AWS_VAULT_BACKEND: 'pass'}
      const result = await sandbox.run(['import', '--profile', 'default'], {env: passEnv})
      expect(result.code, result.stderr).to.equal(0)
      const exec = await sandbox.run(['exec', 'default', '--no-session', '--', 'env'], {env: passEnv})
      expect(parseEnv(exec.stdout).AWS_SECRET_ACCESS_KEY).to.equal('default/Secret+Key1')
      expect(readFileSync(file, 'utf8')).not.to.include('default/Secret+Key1')
      expect(readFileSync(file, 'utf8')).to.include('work/Secret+Key2')
    } finally {
      await pass.gnupg.kill()
    }
  })
})
