// Input vault must not trust: concurrent writers of one config file, names that cannot be
// profile names, paths that are not regular files, and plugin "names" that are paths. Each is
// refused with one line before anything is written, or handled without losing a byte.
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {CredentialStore} from '../../src/lib/keyring/credential-store.ts'
import {keyringAt} from '../../plugins/backend-file/test/support.ts'
import {leaks, newSecretKey} from './support/transcript.ts'
import {fakeAccessKeyId, World} from './support/world.ts'

/** The first line of what vault printed on stderr, and whether it printed a stack. */
function firstLine(stderr: string): string {
  return stderr.split('\n')[0] ?? ''
}

function expectNoStack(stderr: string): void {
  expect(stderr).not.to.match(/^\s+at /m)
  expect(stderr).not.to.include('unexpected error')
}

describe('untrusted input (built binary)', function () {
  this.timeout(180_000)
  let world: World

  beforeEach(function () {
    world = new World()
  })

  afterEach(function () {
    world.cleanup()
  })

  it('20 concurrent vault add --env of new profiles keep all 20 config sections and all 20 keys', async function () {
    world.writeConfig('# mine\n[profile existing]\nregion = eu-west-1\n')
    const names = Array.from({length: 20}, (_, index) => `q${index}`)
    const results = await Promise.all(
      names.map((name) =>
        world.run(['add', name, '--env'], {
          env: {AWS_ACCESS_KEY_ID: fakeAccessKeyId(), AWS_SECRET_ACCESS_KEY: newSecretKey()},
          timeoutMs: 150_000,
        }),
      ),
    )
    for (const [index, result] of results.entries()) expect(result.code, `vault add q${index}: ${result.stderr}`).to.equal(0)

    const config = readFileSync(world.configFile, 'utf8')
    expect(config.startsWith('# mine\n[profile existing]\nregion = eu-west-1\n')).to.equal(true)
    const sections = [...config.matchAll(/^\[profile (q\d+)\]$/gm)].map((match) => match[1]).sort()
    expect(sections).to.deep.equal([...names].sort())
    const stored = (await world.ok(['list', '--credentials'])).stdout.trim().split('\n').sort()
    expect(stored).to.deep.equal([...names].sort())
    // No lock or temporary file is left next to the config.
    expect(readdirSync(join(world.home, '.aws'))).to.deep.equal(['config'])
  })

  it('a name that cannot be a profile name stores nothing, and vault list draws every stored name on one line', async function () {
    world.writeConfig('[profile existing]\n')
    for (const name of ['a\nb', ' sp ', 'a]b', 'tab\tname', 'x\r']) {
      const result = await world.run(['add', name, '--env'], {
        env: {AWS_ACCESS_KEY_ID: fakeAccessKeyId(), AWS_SECRET_ACCESS_KEY: newSecretKey()},
      })
      expect(result.code, JSON.stringify(name)).not.to.equal(0)
      expect(firstLine(result.stderr), JSON.stringify(name)).to.match(/^vault: .*cannot be a profile name/)
      expectNoStack(result.stderr)
      const files = existsSync(world.keysDir) ? readdirSync(world.keysDir) : []
      expect(files, `the store after vault add ${JSON.stringify(name)}`).to.deep.equal([])
      expect(readFileSync(world.configFile, 'utf8')).to.equal('[profile existing]\n')
    }

    // vault import: a section whose name cannot be a profile name stays in the file, stored nowhere.
    const credentials = join(world.home, 'credentials')
    const plaintext = `[rtl\u202eoverride]\naws_access_key_id = ${fakeAccessKeyId()}\naws_secret_access_key = ${newSecretKey()}\n`
    writeFileSync(credentials, plaintext, {mode: 0o600})
    const imported = await world.run(['import', '--file', credentials])
    expectNoStack(imported.stderr)
    expect(imported.stderr).to.include('cannot be a profile name')
    expect(readFileSync(credentials, 'utf8')).to.equal(plaintext)
    expect(existsSync(world.keysDir) ? readdirSync(world.keysDir) : []).to.deep.equal([])
    expect(readFileSync(world.configFile, 'utf8')).to.equal('[profile existing]\n')

    // Names that some other program stored: each is still drawn on one line of its own.
    const store = new CredentialStore(keyringAt(world.keysDir, world.passphrase))
    for (const name of ['two\nlines', 'carriage\rreturn', 'escape\u001b[2Jclear', 'plain'])
      await store.set(name, {accessKeyId: fakeAccessKeyId(), secretAccessKey: newSecretKey()})

    const listed = (await world.ok(['list', '--credentials'])).stdout.split('\n').filter(Boolean)
    expect(listed).to.have.length(4)
    const table = (await world.ok(['list'])).stdout.split('\n').filter(Boolean)
    // Two heading lines, the config's profile, and the four stored names.
    expect(table).to.have.length(7)
    for (const line of [...listed, ...table]) expect(line).not.to.match(/\p{Cc}/u)
    expect(listed).to.include('plain')
  })

  it('AWS_CONFIG_FILE or a credentials file that is a FIFO or a device: one line, no hang', async function () {
    const fifo = join(world.home, 'config-fifo')
    execFileSync('mkfifo', [fifo])
    for (const path of [fifo, '/dev/urandom', '/dev/zero', world.home]) {
      const result = await world.run(['list', '--profiles'], {env: {AWS_CONFIG_FILE: path}, timeoutMs: 20_000})
      expect(result.code, path).not.to.equal(0)
      expect(firstLine(result.stderr), path).to.match(/^vault: .*not a regular file/)
      expect(firstLine(result.stderr), path).to.include(path)
      expectNoStack(result.stderr)
    }
    const imported = await world.run(['import', '--file', fifo], {timeoutMs: 20_000})
    expect(imported.code).not.to.equal(0)
    expect(firstLine(imported.stderr)).to.match(/^vault: .*not a regular file/)

    // A symlink to a regular file is followed as before.
    const real = join(world.home, 'real-config')
    writeFileSync(real, '[profile linked]\n')
    const link = join(world.home, 'linked-config')
    symlinkSync(real, link)
    expect((await world.ok(['list', '--profiles'], {env: {AWS_CONFIG_FILE: link}})).stdout).to.equal('linked\n')
  })

  it('a web_identity_token_file that is a directory, a FIFO, a device or megabytes long: one line, no hang, never read without end', async function () {
    const fifo = join(world.home, 'token-fifo')
    execFileSync('mkfifo', [fifo])
    const huge = join(world.home, 'huge-token')
    writeFileSync(huge, 'x'.repeat(4 * 1024 * 1024))
    const cases: Array<[string, RegExp]> = [
      [world.home, /is not a regular file \(it is a directory\)$/],
      [fifo, /is not a regular file \(it is a FIFO\)$/],
      ['/dev/zero', /is not a regular file \(it is a character device\)$/],
      ['/dev/urandom', /is not a regular file \(it is a character device\)$/],
      [huge, /holds more than 64 KiB: not a web identity token$/],
    ]
    for (const [path, said] of cases) {
      world.writeConfig(
        `[profile wi]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/ci\nweb_identity_token_file = ${path}\n`,
      )
      const result = await world.run(['exec', 'wi', '--json'], {timeoutMs: 20_000})
      expect(result.code, path).to.equal(78)
      expect(result.stdout, path).to.equal('')
      const lines = result.stderr.trimEnd().split('\n')
      expect(lines[0], path).to.match(/^vault: web_identity_token_file of profile "wi" /)
      expect(lines[0], path).to.match(said)
      expect(lines.slice(1), path).to.deep.equal([`Try this: point web_identity_token_file at the file that holds the token, not ${path}`])
      expectNoStack(result.stderr)
    }
  })

  it('vault plugins install with a path refuses it and points at vault plugins link', async function () {
    const local = join(world.home, 'my-plugin')
    mkdirSync(local)
    writeFileSync(join(local, 'package.json'), '{"name": "my-plugin", "version": "1.0.0"}\n')
    for (const path of ['../x', './my-plugin', local, '~/my-plugin', '.']) {
      const result = await world.run(['plugins', 'install', path], {timeoutMs: 60_000})
      expect(result.code, path).to.equal(2)
      const lines = result.stderr.trimEnd().split('\n')
      expect(lines[0], path).to.equal(`vault: "${path}" is a path, and vault plugins install takes a package name`)
      expect(lines[1], path).to.equal(`Try this: to use the plugin in that directory, run \`vault plugins link ${path}\``)
      expect(result.stderr, path).not.to.include('github')
      expectNoStack(result.stderr)
    }
  })

  it('everything vault printed in this file holds none of the test secrets', function () {
    expect(leaks().join('\n')).to.equal('')
  })
})
