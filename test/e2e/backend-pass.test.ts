import {expect} from 'chai'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {answeringPinentry, copyPublicKey, gpgHome} from '../../plugins/backend-pass/test/support.ts'
import {runNode, Sandbox, vaultBin, watchModules} from '../helpers/cli.ts'
import {
  addListExec,
  awsVaultCredentialsJson,
  awsVaultItemJson,
  installPassPlugin,
  linkPassPlugin,
  makePassStore,
  parseEnv,
  xdgEnv,
  type PassStore,
} from './backend-helpers.ts'

describe('pass backend end to end (installable plugin linked, real pass and GPG)', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let pass: PassStore
  let env: Record<string, string>

  beforeEach(async function () {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\nregion = eu-west-1\n[profile legacy]\n')
    await linkPassPlugin(sandbox)
    pass = await makePassStore(sandbox)
    env = {...xdgEnv(sandbox), ...pass.env, AWS_VAULT_BACKEND: 'pass'}
  })

  afterEach(async function () {
    await pass?.gnupg.kill()
    sandbox.cleanup()
  })

  it('is not known until the plugin is linked, then adds, lists and hands the keys to exec', async function () {
    const before = await sandbox.run(['list'], {env: {...env, XDG_DATA_HOME: join(sandbox.home, 'no-plugins')}})
    expect(before.code).to.equal(2)
    expect(before.stderr.split('\n')[0]).to.match(/^vault: unknown backend "pass" \(known: .*file.*\)$/)

    const {accessKeyId, secretAccessKey, child, listed} = await addListExec(sandbox, env)
    expect(listed).to.equal('work\n')
    expect(child.AWS_ACCESS_KEY_ID).to.equal(accessKeyId)
    expect(child.AWS_SECRET_ACCESS_KEY).to.equal(secretAccessKey)
    expect(child.AWS_REGION).to.equal('eu-west-1')
    expect(existsSync(join(pass.store, 'work.gpg'))).to.equal(true)
    expect(existsSync(sandbox.keysDir)).to.equal(false)
    // What the pass CLI shows is aws-vault's item JSON around aws-vault's credentials JSON.
    const shown = JSON.parse((await pass.cli(['show', 'work'])).stdout) as {Key: string; Data: string}
    expect(shown.Key).to.equal('work')
    expect(JSON.parse(Buffer.from(shown.Data, 'base64').toString('utf8')).AccessKeyID).to.equal(accessKeyId)
  })

  it('reads a pass tree laid out as aws-vault writes it, with and without a prefix', async function () {
    await pass.cli(
      ['insert', '-m', '-f', 'legacy'],
      awsVaultItemJson('legacy', awsVaultCredentialsJson('AKIAPASSLEGACYEXAMPL', 'pass/secret+1'), 'aws-vault (legacy)'),
    )
    await pass.cli(
      ['insert', '-m', '-f', 'aws-vault/work'],
      awsVaultItemJson('work', awsVaultCredentialsJson('AKIAPASSPREFIXEXAMPL', 'pass/secret+2')),
    )

    // Without a prefix every entry of the store is an item, folders included, as with aws-vault.
    const listed = await sandbox.run(['list', '--credentials'], {env})
    expect(listed.stdout).to.equal('aws-vault/work\nlegacy\n')
    const exec = await sandbox.run(['exec', 'legacy', '--no-session', '--', 'env'], {env})
    expect(exec.code, exec.stderr).to.equal(0)
    expect(parseEnv(exec.stdout).AWS_SECRET_ACCESS_KEY).to.equal('pass/secret+1')

    const prefixed = {...env, AWS_VAULT_PASS_PREFIX: 'aws-vault'}
    expect((await sandbox.run(['list', '--credentials'], {env: prefixed})).stdout).to.equal('work\n')
    const viaPrefix = await sandbox.run(['exec', 'work', '--no-session', '--', 'env'], {env: prefixed})
    expect(parseEnv(viaPrefix.stdout).AWS_ACCESS_KEY_ID).to.equal('AKIAPASSPREFIXEXAMPL')
  })

  it('says in one line that GPG lacks the secret key, without exposing the entry', async function () {
    const added = await sandbox.run(['add', 'work', '--env'], {
      env: {...env, AWS_ACCESS_KEY_ID: 'AKIAPASSNOKEYEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-that-must-not-show'},
    })
    expect(added.code, added.stderr).to.equal(0)
    const publicOnly = await gpgHome(sandbox.home, '.gnupg-public-only')
    try {
      await copyPublicKey(pass.gnupg.path, publicOnly.path, pass.id)
      const exec = await sandbox.run(['exec', 'work', '--no-session', '--', 'env'], {env: {...env, GNUPGHOME: publicOnly.path}})
      expect(exec.code).to.equal(69)
      const lines = exec.stderr.trimEnd().split('\n')
      expect(lines[0]).to.match(/^vault: gpg has no secret key to decrypt pass entry "work"/)
      expect(exec.stderr).not.to.include('secret-that-must-not-show')
      expect(exec.stdout).to.equal('')
    } finally {
      await publicOnly.kill()
    }
  })

  it('says why pass is unavailable when the store is not initialised', async function () {
    const bare = {...env, AWS_VAULT_PASS_PASSWORD_STORE_DIR: join(sandbox.home, 'no-store')}
    const listed = await sandbox.run(['list'], {env: bare})
    expect(listed.code).to.equal(69)
    expect(listed.stderr.split('\n')[0]).to.match(
      /^vault: backend "pass" is not usable here: no password store at .*no-store: run "pass init <gpg-id>"/,
    )
    const rows = JSON.parse((await sandbox.run(['backends', '--json'], {env: bare})).stdout).result as Array<{
      id: string
      available: boolean
      reason: string
    }>
    const row = rows.find((candidate) => candidate.id === 'pass')
    expect(row?.available).to.equal(false)
    expect(row?.reason).to.match(/no password store/)
  })
})

describe('pass backend answering credential_process before oclif loads (plugin installed, real pass and GPG)', function () {
  this.timeout(60_000)
  const accessKeyId = 'AKIAPASSFASTPATH0001'
  const secretAccessKey = 'pass/fast+path'
  let sandbox: Sandbox
  let pass: PassStore | undefined

  beforeEach(function () {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\nregion = eu-west-1\n')
    installPassPlugin(xdgEnv(sandbox).XDG_DATA_HOME)
  })

  afterEach(async function () {
    await pass?.gnupg.kill()
    pass = undefined
    sandbox.cleanup()
  })

  async function storeWithWork(options: Parameters<typeof makePassStore>[1] = {}): Promise<Record<string, string>> {
    pass = await makePassStore(sandbox, options)
    const env = {...xdgEnv(sandbox), ...pass.env, AWS_VAULT_BACKEND: 'pass'}
    // Encrypting needs only the public key: no passphrase is asked here.
    const added = await sandbox.run(['add', 'work', '--env'], {
      env: {...env, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey},
    })
    expect(added.code, added.stderr).to.equal(0)
    return env
  }

  function watchedExec(env: Record<string, string>) {
    return runNode(['--import', watchModules, vaultBin, 'exec', 'work', '--no-session', '--json'], {
      cwd: sandbox.home,
      env: sandbox.env(env),
    })
  }

  it('answers from the password store byte for byte as the full command does', async function () {
    const env = await storeWithWork()
    const watched = await watchedExec(env)
    expect(watched.code, watched.stderr).to.equal(0)
    expect(watched.stderr).to.match(/^oclif-modules=0 /)
    // The same command in a form the start path leaves to oclif.
    const full = await sandbox.run(['exec', '--no-session', 'work', '--json'], {env})
    expect(full.code, full.stderr).to.equal(0)
    expect(watched.stdout).to.equal(full.stdout)
    expect(JSON.parse(watched.stdout)).to.include({AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey})
  })

  it("leaves gpg's passphrase entry to the full command, which asks once, then answers before oclif while gpg-agent holds the key", async function () {
    const passphrase = 'typed once'
    const pinentry = await answeringPinentry(sandbox.home, 'e2e', passphrase)
    const env = await storeWithWork({passphrase, pinentry: pinentry.program})
    const unlocking = await watchedExec(env)
    expect(unlocking.code, unlocking.stderr).to.equal(0)
    expect(unlocking.stderr).to.match(/oclif-modules=[1-9]/)
    expect(JSON.parse(unlocking.stdout)).to.include({AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey})
    expect(await pinentry.launches(), unlocking.stderr).to.equal(1)
    const unlocked = await watchedExec(env)
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    expect(unlocked.stderr).to.match(/^oclif-modules=0 /)
    expect(unlocked.stdout).to.equal(unlocking.stdout)
    expect(await pinentry.launches()).to.equal(1)
  })
})
