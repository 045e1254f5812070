import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import type {Keyring} from '../../src/lib/plugin-api/index.ts'

import {formatSessionKey} from '../../src/lib/keyring/session-key.ts'
import type {FileKeyring} from '../../plugins/backend-file/src/file-keyring.ts'
import {keyringAt} from '../../plugins/backend-file/test/support.ts'
import {openKeyring as openPassKeyring} from '../../plugins/backend-pass/test/support.ts'
import {Sandbox, vaultBin} from '../helpers/cli.ts'
import {awsVaultCredentialsJson, linkPassPlugin, makePassStore, parseEnv, xdgEnv, type PassStore} from './backend-helpers.ts'

const decoder = new TextDecoder()

/** The sandbox's file store, opened in-process to fill it and to check it. */
function fileStore(sandbox: Sandbox): FileKeyring {
  return keyringAt(sandbox.keysDir, sandbox.passphrase)
}

async function contents(keyring: Keyring): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  for (const key of await keyring.keys()) found.set(key, decoder.decode((await keyring.get(key)).data))
  return found
}

/** Runs `vault migrate` and SIGKILLs it right after it has reported `afterLines` items. */
function migrateKilledAfter(
  sandbox: Sandbox,
  args: string[],
  env: Record<string, string | undefined>,
  afterLines: number,
): Promise<{lines: string[]; signal: NodeJS.Signals | null}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vaultBin, 'migrate', ...args], {
      cwd: sandbox.home,
      env: sandbox.env(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.split('\n').length - 1 >= afterLines) child.kill('SIGKILL')
    })
    child.on('error', reject)
    child.on('close', (_code, signal) => resolve({lines: stderr.split('\n').filter(Boolean), signal}))
  })
}

describe('vault migrate between real backends (built binary)', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let pass: PassStore
  let env: Record<string, string | undefined>
  const profiles = Array.from({length: 24}, (_, index) => `profile-${String(index).padStart(2, '0')}`)
  const original = new Map(
    profiles.map((name, index) => [
      name,
      awsVaultCredentialsJson(`AKIAMIGRATE${String(index).padStart(9, '0')}`, `secret/${index}+${name}`),
    ]),
  )

  beforeEach(async function () {
    sandbox = new Sandbox()
    sandbox.writeConfig(profiles.map((name) => `[profile ${name}]\n`).join(''))
    await linkPassPlugin(sandbox)
    pass = await makePassStore(sandbox)
    env = {...xdgEnv(sandbox), ...pass.env, AWS_VAULT_BACKEND: undefined}
  })

  afterEach(async function () {
    await pass?.gnupg.kill()
    sandbox.cleanup()
  })

  async function fillFileStore(names: readonly string[] = profiles): Promise<void> {
    const store = fileStore(sandbox)
    for (const name of names) await store.set({key: name, data: new TextEncoder().encode(original.get(name)), label: `aws-vault (${name})`})
  }

  const passStore = () => openPassKeyring({...pass.env, HOME: sandbox.home, PATH: process.env.PATH})

  it('copies every credential, verified, and exec then works from the destination', async function () {
    await fillFileStore(profiles.slice(0, 3))
    const result = await sandbox.run(['migrate', '--from', 'file', '--to', 'pass'], {env})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr.split('\n').filter(Boolean)).to.deep.equal(profiles.slice(0, 3).map((name) => `copied credentials "${name}"`))
    expect(result.stdout).to.equal('Copied 3 to pass (verified), already there 0, conflicts 0.\n')
    expect(await contents(await passStore())).to.deep.equal(new Map(profiles.slice(0, 3).map((name) => [name, original.get(name)!])))
    expect(readdirSync(sandbox.keysDir).sort()).to.deep.equal(profiles.slice(0, 3))

    const exec = await sandbox.run(['exec', 'profile-01', '--no-session', '--', 'env'], {env: {...env, AWS_VAULT_BACKEND: 'pass'}})
    expect(parseEnv(exec.stdout).AWS_SECRET_ACCESS_KEY).to.equal('secret/1+profile-01')

    const again = await sandbox.run(['migrate', '--from', 'file', '--to', 'pass', '--json'], {env})
    const json = JSON.parse(again.stdout)
    expect(json.result.summary).to.include({copied: 0, present: 3, conflict: 0})
  })

  it('changes nothing with --dry-run', async function () {
    await fillFileStore(profiles.slice(0, 2))
    const result = await sandbox.run(['migrate', '--from', 'file', '--to', 'pass', '--dry-run', '--delete-source'], {env})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.equal('Dry run, nothing changed: would copy 2, would overwrite 0, already in pass 0, conflicts 0.\n')
    expect(existsSync(join(pass.store, 'profile-00.gpg'))).to.equal(false)
    expect(readdirSync(sandbox.keysDir)).to.have.length(2)
  })

  it('keeps to --profile and moves live sessions only with --sessions', async function () {
    await fillFileStore(profiles.slice(0, 2))
    const store = fileStore(sandbox)
    const live = formatSessionKey({
      type: 'sts.GetSessionToken',
      profileName: 'profile-00',
      mfaSerial: '',
      expiration: new Date(Date.now() + 3_600_000),
    })
    const expired = formatSessionKey({
      type: 'sts.GetSessionToken',
      profileName: 'profile-00',
      mfaSerial: '',
      expiration: new Date(Date.now() - 60_000),
    })
    const session = JSON.stringify({
      AccessKeyId: 'ASIASESSION000000001',
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3_600_000).toISOString(),
    })
    await store.set({key: live, data: new TextEncoder().encode(session)})
    await store.set({key: expired, data: new TextEncoder().encode(session)})

    const only = await sandbox.run(['migrate', '--from', 'file', '--to', 'pass', '--profile', 'profile-00'], {env})
    expect(only.code, only.stderr).to.equal(0)
    expect(await (await passStore()).keys()).to.deep.equal(['profile-00'])

    const withSessions = await sandbox.run(
      ['migrate', '--from', 'file', '--to', 'pass', '--profile', 'profile-00', '--sessions', '--delete-source'],
      {env},
    )
    expect(withSessions.code, withSessions.stderr).to.equal(0)
    expect(withSessions.stderr).to.match(/^copied sts\.GetSessionToken session of "profile-00" \(expires .*\), removed from file$/m)
    expect(await (await passStore()).keys()).to.deep.equal([live, 'profile-00'].sort())
    expect((await store.keys()).sort()).to.deep.equal([expired, 'profile-01'].sort())
    const listed = await sandbox.run(['list', '--sessions'], {env: {...env, AWS_VAULT_BACKEND: 'pass'}})
    expect(listed.stdout).to.match(/^sts\.GetSessionToken:\d+m\d+s$/m)
  })

  it('leaves a differing destination item alone, exits 1, and replaces it with --overwrite', async function () {
    await fillFileStore(profiles.slice(0, 1))
    const added = await sandbox.run(['add', 'profile-00', '--env'], {
      env: {...env, AWS_VAULT_BACKEND: 'pass', AWS_ACCESS_KEY_ID: 'AKIAOTHERVALUE000001', AWS_SECRET_ACCESS_KEY: 'other'},
    })
    expect(added.code, added.stderr).to.equal(0)
    const conflict = await sandbox.run(['migrate', '--from', 'file', '--to', 'pass', '--delete-source'], {env})
    expect(conflict.code).to.equal(1)
    expect(conflict.stderr).to.include('CONFLICT, destination differs, left alone: credentials "profile-00"')
    expect(conflict.stderr).to.include('vault: warning: 1 item(s) differ in "pass"')
    expect(readdirSync(sandbox.keysDir)).to.deep.equal(['profile-00'])
    const overwrite = await sandbox.run(['migrate', '--from', 'file', '--to', 'pass', '--overwrite', '--delete-source'], {env})
    expect(overwrite.code, overwrite.stderr).to.equal(0)
    expect((await contents(await passStore())).get('profile-00')).to.equal(original.get('profile-00'))
    expect(readdirSync(sandbox.keysDir)).to.deep.equal([])
  })

  it('rejects an unknown or unusable backend before touching anything', async function () {
    const unknown = await sandbox.run(['migrate', '--from', 'file', '--to', 'nope'], {env})
    expect(unknown.code).to.equal(2)
    expect(unknown.stderr.split('\n')[0]).to.equal('vault: unknown backend "nope" (known: keyring, secret-service, kwallet, pass, file)')
    const unusable = await sandbox.run(['migrate', '--from', 'file', '--to', 'keyring'], {env})
    expect(unusable.code).to.equal(69)
    expect(unusable.stderr.split('\n')[0]).to.match(/^vault: backend "keyring" is not usable here: no D-Bus session bus/)
    const same = await sandbox.run(['migrate', '--from', 'pass', '--to', 'pass'], {env})
    expect(same.code).to.equal(2)
  })

  it('survives SIGKILL midway, twice: re-runs end with every credential exactly once at the destination and none lost', async function () {
    await fillFileStore()
    const source = fileStore(sandbox)

    /** Each credential is, with its original content, at the source or the destination (or both), and nowhere altered. */
    async function nothingLost(): Promise<{atSource: number; atDestination: number}> {
      const [here, there] = [await contents(source), await contents(await passStore())]
      for (const name of profiles) {
        const values = [here.get(name), there.get(name)].filter((value) => value !== undefined)
        expect(values.length, `${name} is nowhere`).to.be.greaterThan(0)
        for (const value of values) expect(value, name).to.equal(original.get(name))
      }
      expect(
        [...there.keys()].every((key) => original.has(key)),
        'no stray item at the destination',
      ).to.equal(true)
      return {atSource: here.size, atDestination: there.size}
    }

    const first = await migrateKilledAfter(sandbox, ['--from', 'file', '--to', 'pass'], env, 3)
    expect(first.signal).to.equal('SIGKILL')
    const afterFirst = await nothingLost()
    expect(afterFirst.atSource).to.equal(profiles.length)
    expect(afterFirst.atDestination).to.be.within(3, profiles.length - 1)

    const second = await migrateKilledAfter(sandbox, ['--from', 'file', '--to', 'pass', '--delete-source'], env, 8)
    expect(second.signal).to.equal('SIGKILL')
    expect(second.lines.slice(0, 3).every((line) => line.startsWith('already there credentials'))).to.equal(true)
    const afterSecond = await nothingLost()
    expect(afterSecond.atSource).to.be.within(1, profiles.length - 8)

    const last = await sandbox.run(['migrate', '--from', 'file', '--to', 'pass', '--delete-source'], {env})
    expect(last.code, last.stderr).to.equal(0)
    const passKeys = await (await passStore()).keys()
    expect(passKeys).to.deep.equal(profiles)
    expect(new Set(passKeys).size).to.equal(passKeys.length)
    expect(
      readdirSync(pass.store)
        .filter((name) => name.endsWith('.gpg'))
        .sort(),
    ).to.deep.equal(profiles.map((name) => `${name}.gpg`))
    expect(await contents(await passStore())).to.deep.equal(original)
    expect(await source.keys()).to.deep.equal([])
    // Nothing is left pending in the journal.
    expect(readdirSync(join(sandbox.home, '.local', 'share', 'vault', 'migrate'))).to.deep.equal([])
  })
})
