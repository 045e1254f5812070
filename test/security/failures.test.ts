// Wrong passphrase, locked keyring, GPG failure, corrupt items: one clear line and an exit code,
// the store exactly as it was, and every other item still readable.
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {SecretServiceSession, writeAwsVaultFile} from '../e2e/backend-helpers.ts'
import type {RunResult} from '../helpers/cli.ts'
import {createPassStore, linkPassBackend, PASS_PREFIX, type PassStore} from './support/pass-store.ts'
import {snapshot} from './support/stores.ts'
import {leaks, newPassphrase, newSecretKey, registerSecret} from './support/transcript.ts'
import {fakeAccessKeyId, World} from './support/world.ts'

/** One `vault:` line, maybe "Try this:" lines, no stack trace, and the exit code expected. */
function expectCleanFailure(result: RunResult, exitCode: number, message: RegExp): void {
  expect(result.code, result.stderr).to.equal(exitCode)
  const lines = result.stderr.trim().split('\n')
  expect(lines[0]).to.match(message)
  expect(
    lines.slice(1).every((line) => line.startsWith('Try this: ')),
    result.stderr,
  ).to.equal(true)
}

function unchanged(before: Map<string, string>, after: Map<string, string>): void {
  for (const [file, hash] of before) expect(after.get(file), `${file} is unchanged`).to.equal(hash)
}

function credentialCall(world: World, profile: string, env: Record<string, string> = {}): Promise<RunResult> {
  return world.run(['export', profile, '--no-session', '--format', 'json'], {credentialsOnStdout: true, env})
}

describe('wrong passphrase, locked keyring, GPG failure and corrupt items (built binary)', function () {
  this.timeout(120_000)

  describe('file backend', function () {
    let world: World
    let keys: Record<string, {accessKeyId: string; secretAccessKey: string}>

    beforeEach(async function () {
      world = new World()
      keys = {}
      for (const profile of ['first', 'second']) keys[profile] = await world.addKey(profile)
    })

    afterEach(function () {
      world.cleanup()
    })

    it('a wrong passphrase: one line naming the file, exit 77, nothing written, the right one still opens everything', async function () {
      const before = snapshot(world.keysDir)
      const wrong = {AWS_VAULT_FILE_PASSPHRASE: newPassphrase()}
      expectCleanFailure(await credentialCall(world, 'first', wrong), 77, /^vault: the passphrase does not decrypt .*\/first$/)
      expectCleanFailure(
        await world.run(['exec', 'second', '--no-session', '--', 'true'], {env: wrong}),
        77,
        /^vault: the passphrase does not decrypt /,
      )
      const refused = await world.run(['add', 'third', '--env', '--no-add-config'], {
        env: {...wrong, AWS_ACCESS_KEY_ID: fakeAccessKeyId(), AWS_SECRET_ACCESS_KEY: newSecretKey()},
      })
      expectCleanFailure(refused, 77, /^vault: the passphrase does not decrypt /)

      expect(snapshot(world.keysDir)).to.deep.equal(before)
      for (const profile of ['first', 'second']) {
        const opened = await credentialCall(world, profile)
        expect(opened.code, opened.stderr).to.equal(0)
        expect(JSON.parse(opened.stdout).SecretAccessKey).to.equal(keys[profile]!.secretAccessKey)
      }
    })

    it('corrupt items (noise, a truncated file, a foreign passphrase, not an item, no keys): a clear error each, the store unchanged, the others readable', async function () {
      writeFileSync(join(world.keysDir, 'noise'), Buffer.from(Array.from({length: 700}, (_, index) => (index * 37) % 256)), {mode: 0o600})
      const token = readFileSync(join(world.keysDir, 'first'), 'utf8')
      writeFileSync(join(world.keysDir, 'truncated'), token.slice(0, Math.floor(token.length / 2)), {mode: 0o600})
      // Written by another implementation, readable only with another passphrase.
      await writeAwsVaultFile(
        world.keysDir,
        'foreign',
        JSON.stringify({AccessKeyID: fakeAccessKeyId(), SecretAccessKey: newSecretKey()}),
        newPassphrase(),
      )
      await writeAwsVaultFile(world.keysDir, 'not-credentials', 'hunter2', world.passphrase)
      await writeAwsVaultFile(world.keysDir, 'no-keys', JSON.stringify({Hello: 'world'}), world.passphrase)
      const before = snapshot(world.keysDir)

      expectCleanFailure(await credentialCall(world, 'noise'), 69, /^vault: .*noise is not an encrypted keyring item/)
      expectCleanFailure(await credentialCall(world, 'truncated'), 69, /^vault: .*truncated is not an encrypted keyring item/)
      expectCleanFailure(await credentialCall(world, 'foreign'), 77, /^vault: the passphrase does not decrypt .*foreign$/)
      expectCleanFailure(await credentialCall(world, 'not-credentials'), 69, /^vault: the stored item "not-credentials" is not valid JSON/)
      expectCleanFailure(await credentialCall(world, 'no-keys'), 69, /^vault: the stored item "no-keys" holds no access key/)

      const listed = await world.run(['list', '--credentials'])
      expect(listed.code, listed.stderr).to.equal(0)
      expect(listed.stdout.trim().split('\n')).to.include.members(['first', 'second', 'noise', 'truncated', 'foreign'])
      for (const profile of ['first', 'second']) expect((await credentialCall(world, profile)).code).to.equal(0)
      // A new item is written under the same passphrase: the unreadable ones prove nothing.
      await world.addKey('third')
      unchanged(before, snapshot(world.keysDir))
    })
  })

  describe('pass backend', function () {
    let world: World
    let pass: PassStore

    before(async function () {
      world = new World()
      pass = await createPassStore(world)
      Object.assign(world.extraEnv, pass.env)
      linkPassBackend(world)
      for (const profile of ['first', 'second']) await world.addKey(profile)
    })

    after(async function () {
      await pass?.stopAgent()
      world?.cleanup()
    })

    it('GPG failures (no secret key, a locked key without pinentry, noise) and corrupt entries: a clear error each, the store unchanged, the others readable', async function () {
      const dir = join(pass.store, PASS_PREFIX)
      const item = (secret: string) =>
        JSON.stringify({
          Data: Buffer.from(JSON.stringify({AccessKeyID: fakeAccessKeyId(), SecretAccessKey: secret})).toString('base64'),
          Key: 'x',
        })

      // Encrypted to a key this GNUPGHOME does not hold.
      const otherHome = join(world.home, 'other-gnupg')
      mkdirSync(otherHome, {mode: 0o700})
      await gpg(otherHome, [
        '--batch',
        '--pinentry-mode',
        'loopback',
        '--passphrase',
        '',
        '--quick-gen-key',
        'other@example.invalid',
        'future-default',
        'default',
        'never',
      ])
      await gpg(
        otherHome,
        ['--batch', '--trust-model', 'always', '-e', '-r', 'other@example.invalid', '-o', join(dir, 'foreign.gpg')],
        item(newSecretKey()),
      )
      // Encrypted to a key of this GNUPGHOME that has a passphrase, with no pinentry to ask it.
      await gpg(pass.gnupgHome, [
        '--batch',
        '--pinentry-mode',
        'loopback',
        '--passphrase',
        registerSecret('passphrase', newPassphrase()),
        '--quick-gen-key',
        'locked@example.invalid',
        'future-default',
        'default',
        'never',
      ])
      await gpg(
        pass.gnupgHome,
        ['--batch', '--trust-model', 'always', '-e', '-r', 'locked@example.invalid', '-o', join(dir, 'locked.gpg')],
        item(newSecretKey()),
      )
      writeFileSync(join(dir, 'noise.gpg'), Buffer.from(Array.from({length: 300}, (_, index) => (index * 31) % 256)))
      await passInsert(pass, `${PASS_PREFIX}/not-an-item`, 'hunter2')
      const before = snapshot(pass.store)
      const noAgent = {GPG_TTY: '', DISPLAY: ''}

      expectCleanFailure(
        await credentialCall(world, 'foreign'),
        69,
        /^vault: gpg has no secret key to decrypt pass entry "aws-vault\/foreign"/,
      )
      expectCleanFailure(
        await credentialCall(world, 'locked', noAgent),
        69,
        /^vault: gpg could not unlock the secret key for pass entry "aws-vault\/locked"/,
      )
      expectCleanFailure(await credentialCall(world, 'noise'), 69, /^vault: .*"aws-vault\/noise"/)
      expectCleanFailure(
        await credentialCall(world, 'not-an-item'),
        69,
        /^vault: pass entry "aws-vault\/not-an-item" .* does not hold a keyring item$/,
      )

      for (const profile of ['first', 'second']) expect((await credentialCall(world, profile)).code).to.equal(0)
      await world.addKey('third')
      unchanged(before, snapshot(pass.store))
    })
  })

  describe('OS keyring (Secret Service)', function () {
    let root: World
    let session: SecretServiceSession
    let world: World

    before(async function () {
      root = new World()
      session = await SecretServiceSession.start(root.home)
      await session.createCollection('awsvault')
      world = new World()
      Object.assign(world.extraEnv, session.env, {AWS_VAULT_BACKEND: 'keyring'})
    })

    after(async function () {
      await session?.stop()
      root?.cleanup()
      world?.cleanup()
    })

    it('a locked collection: one line, exit 69, nothing written, and items of an unlocked collection still readable', async function () {
      const locked = await session.createCollection('locked-security')
      const inLocked = {AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME: 'locked-security'}
      await world.ok(['add', 'inside', '--env', '--no-add-config'], {
        env: {...inLocked, AWS_ACCESS_KEY_ID: fakeAccessKeyId(), AWS_SECRET_ACCESS_KEY: newSecretKey()},
      })
      const outside = await world.addKey('outside')
      await session.lock(locked)

      expectCleanFailure(
        await credentialCall(world, 'inside', inLocked),
        69,
        /^vault: backend "keyring" is not usable here: the Secret Service collection "locked-security" is locked/,
      )
      const refused = await world.run(['add', 'more', '--env', '--no-add-config'], {
        env: {...inLocked, AWS_ACCESS_KEY_ID: fakeAccessKeyId(), AWS_SECRET_ACCESS_KEY: newSecretKey()},
      })
      expectCleanFailure(refused, 69, /is locked/)

      // Attributes of locked items stay searchable: the item is still there, and nothing was added.
      expect(session.secretTool(['search', '--all', 'profile', 'inside'])).to.include('label = inside')
      expect(session.secretTool(['search', '--all', 'profile', 'more'])).to.not.include('label = more')
      const opened = await credentialCall(world, 'outside')
      expect(opened.code, opened.stderr).to.equal(0)
      expect(JSON.parse(opened.stdout).SecretAccessKey).to.equal(outside.secretAccessKey)
    })
  })

  describe('what vault printed', function () {
    it('everything vault printed in this file holds none of the test secrets', function () {
      expect(leaks().join('\n')).to.equal('')
    })
  })
})

async function gpg(home: string, args: string[], input?: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('gpg', ['--homedir', home, ...args], {env: {...process.env, GNUPGHOME: home}, stdio: ['pipe', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`gpg ${args.join(' ')}: ${stderr}`))))
    child.stdin.end(input ?? '')
  })
}

async function passInsert(pass: PassStore, name: string, content: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('pass', ['insert', '-m', '-f', name], {env: {...process.env, ...pass.env}, stdio: ['pipe', 'ignore', 'pipe']})
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pass insert exited ${code}`))))
    child.stdin.end(content)
  })
}
