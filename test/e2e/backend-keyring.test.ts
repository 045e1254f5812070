import {expect} from 'chai'

import {runNode, Sandbox, vaultBin, watchModules} from '../helpers/cli.ts'
import {addListExec, awsVaultCredentialsJson, awsVaultItemJson, parseEnv, SecretServiceSession} from './backend-helpers.ts'

const AWSVAULT = '/org/freedesktop/secrets/collection/awsvault'

describe('OS keyring backend end to end (gnome-keyring-daemon on a private D-Bus session)', function () {
  this.timeout(60_000)
  let keyringRoot: Sandbox
  let session: SecretServiceSession
  let sandbox: Sandbox

  before(async function () {
    keyringRoot = new Sandbox()
    session = await SecretServiceSession.start(keyringRoot.home)
    await session.createCollection('awsvault')
  })

  after(async function () {
    await session?.stop()
    keyringRoot?.cleanup()
  })

  beforeEach(function () {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\nregion = eu-west-1\n[profile legacy]\n')
  })

  afterEach(function () {
    sandbox.cleanup()
  })

  const profile = () => `p-${Math.random().toString(36).slice(2, 10)}`

  it('adds, lists and hands the keys to exec through the Secret Service, not the file store', async function () {
    const name = profile()
    const env = {...session.env, AWS_VAULT_BACKEND: 'keyring'}
    const {accessKeyId, secretAccessKey, child, listed} = await addListExec(sandbox, env, name)
    expect(listed.split('\n')).to.include(name)
    expect(child.AWS_ACCESS_KEY_ID).to.equal(accessKeyId)
    expect(child.AWS_SECRET_ACCESS_KEY).to.equal(secretAccessKey)
    const stored = JSON.parse(session.secretTool(['lookup', 'profile', name])) as {Key: string; Data: string}
    expect(stored.Key).to.equal(name)
    expect(JSON.parse(Buffer.from(stored.Data, 'base64').toString('utf8')).AccessKeyID).to.equal(accessKeyId)
    // aws-vault's backend name reaches the same store.
    const viaAlias = await sandbox.run(['exec', name, '--no-session', '--', 'env'], {
      env: {...session.env, AWS_VAULT_BACKEND: 'secret-service'},
    })
    expect(parseEnv(viaAlias.stdout).AWS_ACCESS_KEY_ID).to.equal(accessKeyId)
  })

  it('is the default choice when the Secret Service is reachable', async function () {
    const name = profile()
    const env = {...session.env, AWS_VAULT_BACKEND: undefined}
    const added = await sandbox.run(['add', name, '--env', '--debug'], {
      env: {...env, AWS_ACCESS_KEY_ID: 'AKIADEFAULTKEYRING01', AWS_SECRET_ACCESS_KEY: 's'},
    })
    expect(added.code, added.stderr).to.equal(0)
    expect(added.stderr).to.match(/using backend "keyring" from @vault-aws\/plugin-backend-keyring/)
    expect(session.secretTool(['lookup', 'profile', name])).to.include(`"Key":"${name}"`)
  })

  it('reads items aws-vault stored (label and profile attribute = key, secret = item JSON) written with secret-tool', async function () {
    const name = `legacy-${profile()}`
    session.secretTool(
      ['store', `--label=${name}`, `--collection=${AWSVAULT}`, 'profile', name],
      awsVaultItemJson(name, awsVaultCredentialsJson('AKIASECRETSERVICE001', 'ss/secret+key'), `aws-vault (${name})`),
    )
    const env = {...session.env, AWS_VAULT_BACKEND: 'secret-service'}
    const listed = await sandbox.run(['list', '--credentials'], {env})
    expect(listed.stdout.split('\n')).to.include(name)
    const exec = await sandbox.run(['exec', name, '--no-session', '--', 'env'], {env})
    expect(exec.code, exec.stderr).to.equal(0)
    expect(parseEnv(exec.stdout).AWS_ACCESS_KEY_ID).to.equal('AKIASECRETSERVICE001')
    expect(parseEnv(exec.stdout).AWS_SECRET_ACCESS_KEY).to.equal('ss/secret+key')
  })

  it('refuses a locked collection in one line when no display can unlock it, and falls through to file without --backend', async function () {
    const collection = await session.createCollection('locked-e2e')
    const env = {...session.env, AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME: 'locked-e2e'}
    const added = await sandbox.run(['add', 'inside', '--env'], {
      env: {...env, AWS_VAULT_BACKEND: 'keyring', AWS_ACCESS_KEY_ID: 'AKIALOCKED0000000001', AWS_SECRET_ACCESS_KEY: 's'},
    })
    expect(added.code, added.stderr).to.equal(0)
    await session.lock(collection)

    const exec = await sandbox.run(['exec', 'inside', '--no-session', '--', 'env'], {env: {...env, AWS_VAULT_BACKEND: 'keyring'}})
    expect(exec.code).to.equal(69)
    expect(exec.stderr.split('\n')[0]).to.equal(
      'vault: backend "keyring" is not usable here: the Secret Service collection "locked-e2e" is locked and there is no display to unlock it on',
    )

    const fallback = await sandbox.run(['list', '--credentials', '--debug'], {env: {...env, AWS_VAULT_BACKEND: undefined}})
    expect(fallback.code, fallback.stderr).to.equal(0)
    expect(fallback.stderr).to.match(/using backend "file"/)
  })

  it('answers credential_process from the Secret Service before oclif loads, with what the full command prints', async function () {
    const name = profile()
    const env = {...session.env, AWS_VAULT_BACKEND: 'keyring'}
    const added = await sandbox.run(['add', name, '--env'], {
      env: {...env, AWS_ACCESS_KEY_ID: 'AKIASTARTPATHKEYRING', AWS_SECRET_ACCESS_KEY: 'start/path+secret'},
    })
    expect(added.code, added.stderr).to.equal(0)
    const watched = await runNode(['--import', watchModules, vaultBin, 'exec', name, '--no-session', '--json'], {
      cwd: sandbox.home,
      env: sandbox.env(env),
    })
    expect(watched.code, watched.stderr).to.equal(0)
    expect(watched.stderr).to.match(/^oclif-modules=0 /)
    // The same command in a form the start path leaves to oclif.
    const full = await sandbox.run(['exec', '--no-session', name, '--json'], {env})
    expect(full.code, full.stderr).to.equal(0)
    expect(watched.stdout).to.equal(full.stdout)
    expect(JSON.parse(watched.stdout)).to.include({AccessKeyId: 'AKIASTARTPATHKEYRING', SecretAccessKey: 'start/path+secret'})
  })

  it("leaves a locked collection to the full command when a display could show the service's unlock prompt", async function () {
    const collection = await session.createCollection('locked-start')
    const env = {...session.env, AWS_VAULT_BACKEND: 'keyring', AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME: 'locked-start'}
    const added = await sandbox.run(['add', 'inside', '--env'], {
      env: {...env, AWS_ACCESS_KEY_ID: 'AKIALOCKED0000000002', AWS_SECRET_ACCESS_KEY: 's'},
    })
    expect(added.code, added.stderr).to.equal(0)
    await session.lock(collection)
    // A display no prompter can open: the service dismisses its prompt, and only the full command asks it to.
    const withDisplay = {...env, DISPLAY: ':97'}
    const prompts = await session.countPrompts()
    const watched = await runNode(['--import', watchModules, vaultBin, 'exec', 'inside', '--no-session', '--json'], {
      cwd: sandbox.home,
      env: sandbox.env(withDisplay),
    })
    const asked = await prompts()
    expect(watched.code, watched.stderr).to.not.equal(0)
    expect(watched.stderr).to.match(/oclif-modules=[1-9]/)
    expect(watched.stderr.split('\n')[0]).to.match(/^vault: .*locked-start.*dismissed/)
    // The full command's prompt alone: the start path stopped before asking for one.
    expect(asked, watched.stderr).to.equal(1)
  })

  it('refuses the keyring without a session bus, saying so', async function () {
    const exec = await sandbox.run(['list'], {env: {AWS_VAULT_BACKEND: 'keyring'}})
    expect(exec.code).to.equal(69)
    expect(exec.stderr.split('\n')[0]).to.equal(
      'vault: backend "keyring" is not usable here: no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no $XDG_RUNTIME_DIR/bus',
    )
  })
})
