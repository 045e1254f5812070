// What `vault unlock` keeps, seen from outside: another uid, SIGKILL, and the files left behind.
import {expect} from 'chai'
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {fakeAccessKey, runNode, Sandbox, vaultBin, type RunResult} from '../helpers/cli.ts'
import {listFiles} from './support/stores.ts'

const NOBODY = 65534

/** A passphrase no other test uses, so finding it in a file can only mean this one leaked it. */
class UnlockSandbox extends Sandbox {
  override readonly passphrase = `unlock-${randomBytes(12).toString('hex')}`
}

/** Runs a shell line in a fresh session keyring that possesses the caller's user keyring, as vault's keyctl calls do. */
function inUserSession(line: string, uid = 0): string {
  const prefix = uid === 0 ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups']
  const [command, ...args] = [...prefix, 'keyctl', 'session', '-', 'sh', '-c', `keyctl link @u @s >/dev/null; ${line}`]
  const result = spawnSync(command!, args, {encoding: 'utf8'})
  return `${result.stdout}${result.stderr}`.replace(/Joined session keyring: \d+\n?/, '')
}

/** The ids, descriptions and expiry column (/proc/keys) of what vault keeps for one store. */
function keptKeys(storeDir: string): Array<{id: string; description: string; expiry: string}> {
  const wanted = `vault-file-unlock:${createHash('sha256').update(storeDir).digest('hex').slice(0, 32)}`
  const procKeys = inUserSession('cat /proc/keys')
  const kept = []
  for (const line of procKeys.split('\n')) {
    const fields = line.trim().split(/\s+/)
    const description = fields
      .slice(8)
      .join(' ')
      .replace(/: \d+$/, '')
    if (description !== wanted) continue
    kept.push({id: String(Number.parseInt(fields[0]!, 16)), description, expiry: fields[3]!})
  }
  return kept
}

describe('vault unlock: what it keeps is out of reach', function () {
  this.timeout(600_000)
  let sandbox: Sandbox
  const started = Date.now()

  beforeEach(async function () {
    sandbox = new UnlockSandbox()
    sandbox.writeConfig('[profile work]\n')
    const keys = fakeAccessKey()
    await sandbox.addKey('work', keys.accessKeyId, keys.secretAccessKey)
  })

  afterEach(async function () {
    await sandbox.run(['lock'])
    sandbox.cleanup()
  })

  it('another uid reaches neither the kept passphrase nor the unlocked store: not its key, not the user keyring, not through vault', async function () {
    const unlocked = await sandbox.run(['unlock', '--for', '1h'])
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    const [kept] = keptKeys(sandbox.keysDir)
    expect(kept, 'the kept key').to.not.equal(undefined)
    expect(inUserSession(`keyctl pipe ${kept!.id}`)).to.match(new RegExp(`^\\d+\\n${sandbox.passphrase}$`))

    const userRing = execFileSync('keyctl', ['id', '@u'], {encoding: 'utf8'}).trim()
    expect(inUserSession(`keyctl pipe ${kept!.id}`, NOBODY)).to.match(/Permission denied/)
    expect(inUserSession(`keyctl print ${kept!.id}`, NOBODY)).to.match(/Permission denied/)
    expect(inUserSession(`keyctl rlist ${userRing}`, NOBODY)).to.match(/Permission denied/)
    expect(inUserSession(`keyctl link ${userRing} @s`, NOBODY)).to.match(/Permission denied/)
    expect(inUserSession(`keyctl search ${userRing} user ${kept!.description}`, NOBODY)).to.match(
      /Permission denied|Required key not available/,
    )

    // The same store, readable by that uid at the same path: vault run as it still asks for the passphrase.
    const otherHome = mkdtempSync(join(tmpdir(), 'vault-other-'))
    try {
      chownSync(otherHome, NOBODY, NOBODY)
      chmodSync(sandbox.home, 0o711)
      for (const path of [join(sandbox.home, '.awsvault'), sandbox.keysDir, ...listFiles(sandbox.keysDir)]) chownSync(path, NOBODY, NOBODY)
      const asOther: RunResult = await runNode([vaultBin, 'export', 'work', '--no-session', '--format', 'json'], {
        cwd: otherHome,
        detached: true,
        env: sandbox.env({AWS_VAULT_FILE_PASSPHRASE: undefined, HOME: otherHome, AWS_CONFIG_FILE: join(otherHome, 'config')}),
        gid: NOBODY,
        uid: NOBODY,
      })
      expect(asOther.code).to.not.equal(0)
      expect(asOther.stderr.split('\n')[0]).to.equal('vault: no terminal to ask for the backend passphrase')
      // Given back to its owner, who with nothing set reads it (vault refuses a store another uid owns).
      for (const path of [join(sandbox.home, '.awsvault'), sandbox.keysDir, ...listFiles(sandbox.keysDir)]) chownSync(path, 0, 0)
      const asOwner = await runNode([vaultBin, 'export', 'work', '--no-session', '--format', 'json'], {
        cwd: sandbox.home,
        detached: true,
        env: sandbox.env({AWS_VAULT_FILE_PASSPHRASE: undefined}),
      })
      expect(asOwner.code, asOwner.stderr).to.equal(0)
    } finally {
      rmSync(otherHome, {force: true, recursive: true})
    }
  })

  it('SIGKILL at any moment of vault unlock leaves no key without a timeout, no process and no file holding the passphrase', async function () {
    const kills = Number(process.env.VAULT_CRASH_KILLS ?? 100) >= 100 ? 12 : 4
    // How long one unlock takes here, so the kills land all along it.
    const first = Date.now()
    expect((await sandbox.run(['unlock', '--for', '1h'])).code).to.equal(0)
    const span = Date.now() - first
    await sandbox.run(['lock'])
    for (let kill = 0; kill < kills; kill++) {
      const child = spawn(process.execPath, [vaultBin, 'unlock', '--for', '1h'], {
        cwd: sandbox.home,
        detached: true,
        env: sandbox.env(),
        stdio: 'ignore',
      })
      await sleep(Math.floor(Math.random() * span))
      // Half the kills take vault alone (its keyctl child may finish), half its whole process group.
      // An unlock quicker than the measured one may already be gone: that moment is as valid as any other.
      if (kill % 2 === 0) child.kill('SIGKILL')
      else killGroup(child.pid!)
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)))
      while (groupAlive(child.pid!)) await sleep(50)
      const kept = keptKeys(sandbox.keysDir)
      expect(kept.length, 'at most one kept key per store').to.be.at.most(1)
      for (const key of kept) expect(key.expiry, `${key.description} has a timeout`).to.not.equal('perm')
      await sandbox.run(['lock'])
      expect(keptKeys(sandbox.keysDir).filter((key) => key.expiry !== 'expd')).to.deep.equal([])
    }
    expectNoFileHolds(sandbox.passphrase, [sandbox.home, tmpdir(), '/dev/shm'], started)
  })

  it('nothing written under HOME, TMPDIR or /dev/shm holds the passphrase after unlock, use and lock', async function () {
    expect((await sandbox.run(['unlock', '--for', '10m'])).code).to.equal(0)
    const used = await runNode([vaultBin, 'export', 'work', '--no-session', '--format', 'json'], {
      cwd: sandbox.home,
      detached: true,
      env: sandbox.env({AWS_VAULT_FILE_PASSPHRASE: undefined}),
    })
    expect(used.code, used.stderr).to.equal(0)
    expect((await sandbox.run(['lock'])).code).to.equal(0)
    expectNoFileHolds(sandbox.passphrase, [sandbox.home, tmpdir(), '/dev/shm'], started)
  })

  it('a session store of its own: its passphrase is kept the same way, out of reach of another uid, in no file, and forgotten by vault lock', async function () {
    const sessionDir = join(sandbox.home, 'sessions')
    const sessionPassphrase = `sessions-${randomBytes(12).toString('hex')}`
    const keys = fakeAccessKey()
    const seeded = await runNode([vaultBin, 'add', 'seed', '--env', '--no-add-config'], {
      cwd: sandbox.home,
      env: sandbox.env({
        AWS_ACCESS_KEY_ID: keys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
        AWS_VAULT_FILE_DIR: sessionDir,
        AWS_VAULT_FILE_PASSPHRASE: sessionPassphrase,
      }),
    })
    expect(seeded.code, seeded.stderr).to.equal(0)
    const sessionEnv = {AWS_VAULT_SESSION_BACKEND: 'file', AWS_VAULT_SESSION_FILE_DIR: sessionDir}
    const unlocked = await sandbox.run(['unlock', '--for', '1h'], {
      env: {...sessionEnv, AWS_VAULT_SESSION_FILE_PASSPHRASE: sessionPassphrase},
    })
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    expect(`${unlocked.stdout}${unlocked.stderr}`).to.not.include(sessionPassphrase)

    const [kept] = keptKeys(sessionDir)
    expect(kept, 'the session store has its own kept key').to.not.equal(undefined)
    expect(kept!.expiry).to.not.equal('perm')
    expect(inUserSession(`keyctl pipe ${kept!.id}`)).to.match(new RegExp(`^\\d+\\n${sessionPassphrase}$`))
    expect(inUserSession(`keyctl pipe ${kept!.id}`, NOBODY)).to.match(/Permission denied/)
    expect(inUserSession(`keyctl print ${kept!.id}`, NOBODY)).to.match(/Permission denied/)

    const locked = await sandbox.run(['lock'], {env: sessionEnv})
    expect(locked.code, locked.stderr).to.equal(0)
    expect(keptKeys(sessionDir).filter((key) => key.expiry !== 'expd')).to.deep.equal([])
    expect(keptKeys(sandbox.keysDir).filter((key) => key.expiry !== 'expd')).to.deep.equal([])
    expectNoFileHolds(sessionPassphrase, [sandbox.home, tmpdir(), '/dev/shm'], started)
  })
})

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/** Files changed since `since` under `roots` (the store's own ciphertext included) never hold `secret`. */
function expectNoFileHolds(secret: string, roots: string[], since: number): void {
  const holding: string[] = []
  let looked = 0
  for (const root of roots) {
    for (const file of listFiles(root)) {
      let info
      try {
        info = statSync(file)
      } catch {
        continue
      }
      if (!info.isFile() || info.mtimeMs < since - 1000 || info.size > 16 * 1024 * 1024) continue
      looked++
      let bytes: Buffer
      try {
        bytes = readFileSync(file)
      } catch {
        continue
      }
      if (bytes.includes(secret) || bytes.includes(Buffer.from(secret, 'utf16le'))) holding.push(file)
    }
  }
  expect(looked).to.be.greaterThan(0)
  expect(holding).to.deep.equal([])
}
