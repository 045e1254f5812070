// Files: store files 0600 and directories 0700 whatever the umask, config rewrites keep the
// file's mode, and no temporary file is ever readable by others.
import {expect} from 'chai'
import {chmodSync, lstatSync, mkdirSync, readFileSync, symlinkSync, watch, writeFileSync, type FSWatcher} from 'node:fs'
import {join} from 'node:path'

import {startEmulator, type Emulator} from '../helpers/emulator.ts'
import {createPassStore, linkPassBackend, PASS_PREFIX} from './support/pass-store.ts'
import {listDirs, listFiles, modeOf} from './support/stores.ts'
import {leaks, newSecretKey, registerSecret} from './support/transcript.ts'
import {fakeAccessKeyId, World} from './support/world.ts'

const octal = (mode: number) => `0${mode.toString(8)}`

function modes(paths: string[]): Record<string, string> {
  return Object.fromEntries(paths.map((path) => [path, octal(modeOf(path))]))
}

/** Every file that appears in the watched directories, with its mode the moment it was seen. */
class CreatedFiles {
  readonly seen = new Map<string, number>()
  readonly #watchers: FSWatcher[]

  constructor(dirs: string[]) {
    this.#watchers = dirs.map((dir) =>
      watch(dir, (event, name) => {
        if (event !== 'rename' || !name) return
        const path = join(dir, name)
        try {
          const info = lstatSync(path)
          if (info.isFile() && !this.seen.has(path)) this.seen.set(path, info.mode & 0o777)
        } catch {
          // gone already: renamed into place or removed
        }
      }),
    )
  }

  close(): void {
    for (const watcher of this.#watchers) watcher.close()
  }
}

describe('store and config file modes (built binary)', function () {
  this.timeout(120_000)
  let aws: Emulator
  let world: World

  before(async function () {
    aws = await startEmulator({users: [{name: 'bob'}]})
    registerSecret('long-term secret key', aws.credentials('bob').secretAccessKey)
  })

  after(async function () {
    await aws?.stop()
  })

  beforeEach(function () {
    world = new World()
    world.extraEnv.AWS_ENDPOINT_URL = aws.url
  })

  afterEach(function () {
    world.cleanup()
  })

  it('store files are 0600 and directories 0700 under umask 000, and a new config is 0600 in a 0700 directory', async function () {
    const bob = aws.credentials('bob')
    // A store directory several levels down, none of which exists yet.
    const store = join(world.home, 'deep', 'er', 'keys')
    const env = {AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey, AWS_VAULT_FILE_DIR: store}
    await world.ok(['add', 'bob', '--env'], {env, umask: '000'})
    await world.ok(['exec', 'bob', '--json'], {credentialsOnStdout: true, env, umask: '000'})

    const dirs = listDirs(join(world.home, 'deep'))
    const files = listFiles(store)
    expect(files.length, 'the keys and a session').to.equal(2)
    expect(modes(dirs)).to.deep.equal(Object.fromEntries(dirs.map((dir) => [dir, '0700'])))
    expect(modes(files)).to.deep.equal(Object.fromEntries(files.map((file) => [file, '0600'])))
    expect(modes([join(world.home, '.aws'), world.configFile])).to.deep.equal({
      [join(world.home, '.aws')]: '0700',
      [world.configFile]: '0600',
    })
  })

  it('an existing store directory open to others is tightened to 0700', async function () {
    mkdirSync(world.keysDir, {recursive: true})
    chmodSync(world.keysDir, 0o755)
    await world.addKey('first')
    expect(octal(modeOf(world.keysDir))).to.equal('0700')
  })

  it('pass entries are 0600 in 0700 folders when vault runs under umask 000', async function () {
    const pass = await createPassStore(world)
    try {
      Object.assign(world.extraEnv, pass.env)
      linkPassBackend(world)
      const bob = aws.credentials('bob')
      await world.ok(['add', 'bob', '--env', '--no-add-config'], {
        env: {AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey},
        umask: '000',
      })
      await world.ok(['exec', 'bob', '--json'], {credentialsOnStdout: true, umask: '000'})
      const entries = listFiles(join(pass.store, PASS_PREFIX))
      expect(entries.length, 'the keys and a session').to.equal(2)
      expect(modes(entries)).to.deep.equal(Object.fromEntries(entries.map((file) => [file, '0600'])))
      expect(octal(modeOf(join(pass.store, PASS_PREFIX)))).to.equal('0700')
    } finally {
      await pass.stopAgent()
    }
  })

  it('a config rewrite keeps the file mode, its contents and a symlink, under any umask', async function () {
    const original = '# my settings\n[profile existing]\nregion = eu-west-1\n'
    const addWithConfig = (profile: string, umask: string, env: Record<string, string> = {}) =>
      world.ok(['add', profile, '--env'], {
        env: {AWS_ACCESS_KEY_ID: fakeAccessKeyId(), AWS_SECRET_ACCESS_KEY: newSecretKey(), ...env},
        umask,
      })

    mkdirSync(join(world.home, '.aws'), {mode: 0o700, recursive: true})
    for (const [mode, umask] of [
      [0o640, '000'],
      [0o600, '000'],
      [0o644, '077'],
      [0o604, '022'],
    ] as const) {
      writeFileSync(world.configFile, original)
      chmodSync(world.configFile, mode)
      const profile = `added-${mode.toString(8)}`
      await addWithConfig(profile, umask)
      expect(octal(modeOf(world.configFile)), `a ${octal(mode)} config under umask ${umask}`).to.equal(octal(mode))
      const text = readFileSync(world.configFile, 'utf8')
      expect(text.startsWith(original)).to.equal(true)
      expect(text).to.include(`[profile ${profile}]`)
    }

    // A dotfile manager's symlink stays a symlink; the file it points at keeps its mode.
    const target = join(world.home, 'dotfiles-config')
    writeFileSync(target, original)
    chmodSync(target, 0o640)
    const link = join(world.home, 'linked-config')
    symlinkSync(target, link)
    await addWithConfig('linked', '000', {AWS_CONFIG_FILE: link})
    expect(lstatSync(link).isSymbolicLink()).to.equal(true)
    expect(octal(modeOf(target))).to.equal('0640')
    expect(readFileSync(target, 'utf8')).to.include('[profile linked]')
  })

  it('temporary files are never readable by others, seen as they appear during writes under umask 000', async function () {
    const bob = aws.credentials('bob')
    mkdirSync(world.keysDir, {mode: 0o700, recursive: true})
    mkdirSync(join(world.home, '.aws'), {mode: 0o700, recursive: true})
    writeFileSync(world.configFile, '[profile bob]\n', {mode: 0o600})
    const created = new CreatedFiles([world.keysDir, join(world.home, '.aws')])
    try {
      for (let round = 0; round < 10; round++) {
        const env = {AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey}
        // add rewrites the keys and (for a new profile) the config; exec writes a session.
        const profile = round % 3 === 0 ? `fresh-${round}` : 'bob'
        await world.ok(['add', profile, '--env'], {env, umask: '000'})
        await world.ok(['exec', profile, '--json'], {credentialsOnStdout: true, umask: '000'})
      }
    } finally {
      created.close()
    }
    const temporary = [...created.seen].filter(([path]) => /\/\.[^/]*$/.test(path))
    const wide = [...created.seen].filter(([, mode]) => (mode & 0o077) !== 0).map(([path, mode]) => `${path} ${octal(mode)}`)
    expect(wide, `${created.seen.size} new files seen, ${temporary.length} of them temporary`).to.deep.equal([])
    expect(temporary.length, 'temporary files caught while they existed').to.be.greaterThan(0)
  })

  it('everything vault printed in this file holds none of the test secrets', function () {
    expect(leaks().join('\n')).to.equal('')
  })
})
