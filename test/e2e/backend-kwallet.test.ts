import {expect} from 'chai'

import {KWalletSession} from '../../plugins/backend-kwallet/test/support/kwallet-session.ts'
import {loadReference, type Reference} from '../compat/reference.ts'
import {fakeAccessKey, type RunResult, runProgram, Sandbox} from '../helpers/cli.ts'
import {addListExec, parseEnv} from './backend-helpers.ts'

const PASSWORD = 'e2e wallet password'

/** The item JSON stored under `key` in aws-vault's folder of aws-vault's wallet, read with dbus-send. */
async function storedItem(session: KWalletSession, key: string): Promise<{Key: string; Data: string}> {
  const handle = await session.kwalletInt('open', 'string:aws-vault', 'int64:0', 'string:aws-vault')
  const reply = await session.kwallet('readEntry', `int32:${handle}`, 'string:aws-vault', `string:${key}`, 'string:aws-vault')
  const start = reply.indexOf('array of bytes "') + 'array of bytes "'.length
  return JSON.parse(reply.slice(start, reply.lastIndexOf('"'))) as {Key: string; Data: string}
}

function firstLine(result: RunResult): string {
  return result.stderr.split('\n')[0] as string
}

describe('kwallet backend end to end (built vault and a real kwalletd5 on a private D-Bus session)', function () {
  this.timeout(120_000)
  let root: Sandbox
  let session: KWalletSession
  let sandbox: Sandbox
  let env: Record<string, string | undefined>

  before(async function () {
    root = new Sandbox()
    // kwalletd's Secret Service off: the bus then offers KWallet's own interface only, as on KDE before Frameworks 5.97.
    session = await KWalletSession.start(root.home, {secretService: false})
    await session.createWallet('aws-vault', PASSWORD)
  })

  after(async function () {
    await session?.stop()
    root?.cleanup()
  })

  beforeEach(function () {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\nregion = eu-west-1\n')
    env = {...session.env, AWS_VAULT_BACKEND: 'kwallet'}
  })

  afterEach(function () {
    session.stopAnswering()
    sandbox.cleanup()
  })

  const profile = () => `p-${Math.random().toString(36).slice(2, 10)}`

  it("adds, lists and hands the keys to exec, stored in aws-vault's wallet and folder", async function () {
    const name = profile()
    const {accessKeyId, secretAccessKey, child, listed} = await addListExec(sandbox, env, name)
    expect(listed.split('\n')).to.include(name)
    expect(child.AWS_ACCESS_KEY_ID).to.equal(accessKeyId)
    expect(child.AWS_SECRET_ACCESS_KEY).to.equal(secretAccessKey)
    const stored = await storedItem(session, name)
    expect(stored.Key).to.equal(name)
    expect(JSON.parse(Buffer.from(stored.Data, 'base64').toString('utf8')).AccessKeyID).to.equal(accessKeyId)
  })

  it('takes --backend before the command, as aws-vault does', async function () {
    const name = profile()
    const key = fakeAccessKey()
    const added = await sandbox.run(['--backend', 'kwallet', 'add', name, '--env'], {
      env: {...session.env, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey},
    })
    expect(added.code, added.stderr).to.equal(0)
    expect((await storedItem(session, name)).Key).to.equal(name)
  })

  it('is the default choice when KWallet answers and no Secret Service does', async function () {
    const name = profile()
    const added = await sandbox.run(['add', name, '--env', '--debug'], {
      env: {...env, AWS_VAULT_BACKEND: undefined, AWS_ACCESS_KEY_ID: 'AKIADEFAULTKWALLET01', AWS_SECRET_ACCESS_KEY: 's'},
    })
    expect(added.code, added.stderr).to.equal(0)
    expect(added.stderr).to.match(/using backend "kwallet" from @vault-aws\/plugin-backend-kwallet/)
    expect((await storedItem(session, name)).Key).to.equal(name)
  })

  describe('side by side with aws-vault v7.2.0 on the same daemon', function () {
    let reference: Reference | undefined

    before(function () {
      const loaded = loadReference()
      if (typeof loaded === 'string') {
        console.log(`\n  aws-vault interop SKIPPED: ${loaded}\n`)
        this.skip()
      }
      reference = loaded as Reference
    })

    after(function () {
      reference?.cleanup()
    })

    /** aws-vault with the sandbox's HOME and config, this session's bus and display, and nothing else of the machine. */
    function awsVault(args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
      const env = {
        AWS_CONFIG_FILE: sandbox.configFile,
        HOME: sandbox.home,
        LANG: 'C.UTF-8',
        PATH: process.env.PATH,
        ...session.env,
        ...extra,
      }
      return runProgram(reference!.binary, args, {cwd: sandbox.home, env}, {timeoutMs: 60_000, what: `aws-vault ${args.join(' ')}`})
    }

    it('vault reads the keys aws-vault --backend=kwallet added', async function () {
      const name = profile()
      const key = fakeAccessKey()
      const added = await awsVault(['--backend=kwallet', 'add', name, '--env', '--no-add-config'], {
        AWS_ACCESS_KEY_ID: key.accessKeyId,
        AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      })
      expect(added.code, added.stderr).to.equal(0)
      const listed = await sandbox.run(['list', '--credentials'], {env})
      expect(listed.stdout.split('\n')).to.include(name)
      const exec = await sandbox.run(['exec', name, '--no-session', '--', 'env'], {env})
      expect(exec.code, exec.stderr).to.equal(0)
      expect(parseEnv(exec.stdout).AWS_ACCESS_KEY_ID).to.equal(key.accessKeyId)
      expect(parseEnv(exec.stdout).AWS_SECRET_ACCESS_KEY).to.equal(key.secretAccessKey)
    })

    it('aws-vault --backend=kwallet lists, exports and removes the keys vault added', async function () {
      const name = profile()
      const key = fakeAccessKey()
      await sandbox.run(['add', name, '--env', '--no-add-config'], {
        env: {...env, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey},
      })
      const listed = await awsVault(['--backend=kwallet', 'list', '--credentials'])
      expect(listed.code, listed.stderr).to.equal(0)
      expect(listed.stdout.split('\n')).to.include(name)
      const exported = await awsVault(['--backend=kwallet', 'export', name, '--no-session', '--format=env'])
      expect(exported.code, exported.stderr).to.equal(0)
      expect(parseEnv(exported.stdout)).to.include({AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey})
      const removed = await awsVault(['--backend=kwallet', 'remove', name, '--force'])
      expect(removed.code, removed.stderr).to.equal(0)
      expect((await sandbox.run(['list', '--credentials'], {env})).stdout.split('\n')).not.to.include(name)
    })
  })

  describe('one line for each way KWallet cannot be used', function () {
    it('no session bus', async function () {
      const result = await sandbox.run(['list'], {env: {AWS_VAULT_BACKEND: 'kwallet'}})
      expect(result.code).to.equal(69)
      expect(firstLine(result)).to.equal(
        'vault: backend "kwallet" is not usable here: no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no $XDG_RUNTIME_DIR/bus',
      )
      expect(result.stderr).not.to.match(/\n\s+at /)
    })

    it('no KWallet daemon on the bus', async function () {
      const bare = await KWalletSession.start(sandbox.home, {daemon: 'absent'})
      try {
        const result = await sandbox.run(['list'], {env: {...bare.env, AWS_VAULT_BACKEND: 'kwallet'}})
        expect(result.code).to.equal(69)
        expect(firstLine(result)).to.equal(
          'vault: backend "kwallet" is not usable here: no KWallet daemon answers on the D-Bus session bus (neither org.kde.kwalletd6 nor org.kde.kwalletd5): start kwalletd6 or kwalletd5, or choose another backend',
        )
        expect(result.stderr).not.to.match(/\n\s+at /)
      } finally {
        await bare.stop()
      }
    })

    describe('a closed wallet', function () {
      beforeEach(async function () {
        await session.closeWallet('aws-vault')
      })

      it('without a display: refused, and a run without --backend falls through to the file store', async function () {
        const headless = {DBUS_SESSION_BUS_ADDRESS: session.env.DBUS_SESSION_BUS_ADDRESS}
        const result = await sandbox.run(['list'], {env: {...headless, AWS_VAULT_BACKEND: 'kwallet'}})
        expect(result.code).to.equal(69)
        expect(firstLine(result)).to.equal(
          'vault: backend "kwallet" is not usable here: the KWallet wallet "aws-vault" is closed and there is no display to ask for its password on',
        )
        const fallback = await sandbox.run(['list', '--debug'], {env: {...headless, AWS_VAULT_BACKEND: undefined}})
        expect(fallback.code, fallback.stderr).to.equal(0)
        expect(fallback.stderr).to.match(/using backend "file"/)
        expect(await session.isWalletOpen('aws-vault')).to.equal(false)
      })

      it("with a display: KWallet's password dialog cancelled is one line; the password typed opens it", async function () {
        const [cancelled] = await Promise.all([sandbox.run(['list', '--credentials'], {env}), session.answerDialog(undefined, 'Escape')])
        expect(cancelled.code).to.equal(69)
        expect(cancelled.stderr.trimEnd()).to.equal('vault: the KWallet wallet "aws-vault" stays closed: its password dialog was cancelled')

        const [opened] = await Promise.all([sandbox.run(['list', '--credentials'], {env}), session.answerDialog(PASSWORD, 'Return')])
        expect(opened.code, opened.stderr).to.equal(0)
        expect(await session.isWalletOpen('aws-vault')).to.equal(true)
      })
    })
  })
})
