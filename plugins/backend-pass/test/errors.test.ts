import {chmod, mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {backendContext} from '@vault-aws/cli/plugin-testkit'
import {expect} from 'chai'

import {
  answeringPinentry,
  context,
  copyPublicKey,
  encoder,
  generateKey,
  gpgHome,
  openKeyring,
  passCli,
  passDescriptor,
  passEnv,
  passFixture,
  requirePass,
  tempDir,
} from './support.ts'
import type {GpgHome, PassFixture} from './support.ts'

async function failure(promise: Promise<unknown>): Promise<Error & {code?: string}> {
  try {
    await promise
  } catch (error) {
    return error as Error & {code?: string}
  }
  expect.fail('expected the call to fail')
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const ITEM = {key: 'work', data: encoder.encode(`{"AccessKeyID":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"${SECRET}"}`)}

function expectOneClearLine(error: Error & {code?: string}, code: string, says: RegExp): void {
  expect(error.code, error.message).to.equal(code)
  expect(error.message).to.match(says)
  expect(error.message).not.to.contain('\n')
  expect(error.message).not.to.contain(SECRET)
  expect(error.message).not.to.contain(Buffer.from(ITEM.data).toString('base64').slice(0, 24))
}

describe('pass backend: GPG failures', function () {
  this.timeout(60_000)
  let fixture: PassFixture
  const others: GpgHome[] = []

  before(async function () {
    fixture = await passFixture('errors')
    await (await openKeyring(fixture.env())).set(ITEM)
  })

  after(async function () {
    for (const home of others) await home.kill()
    await fixture?.remove()
  })

  async function otherHome(name: string, agentConf = ''): Promise<GpgHome> {
    const home = await gpgHome(fixture.root, name, agentConf)
    others.push(home)
    return home
  }

  it('reports a store whose secret key this GNUPGHOME lacks, naming the key and the fix', async function () {
    const publicOnly = await otherHome('public-only')
    await copyPublicKey(fixture.gnupg.path, publicOnly.path, fixture.id)
    const keyring = await openKeyring({...fixture.env(), GNUPGHOME: publicOnly.path})
    const error = await failure(keyring.get('work'))
    expectOneClearLine(error, 'BACKEND_UNAVAILABLE', /no secret key .*encrypted to [0-9A-F]{16}.*import that key/)
    expect(error.message).to.contain(publicOnly.path)
    // Listing needs no key.
    expect(await keyring.keys()).to.include('work')
  })

  it('reports a write for a recipient whose public key is missing', async function () {
    const empty = await otherHome('empty')
    const keyring = await openKeyring({...fixture.env(), GNUPGHOME: empty.path})
    const error = await failure(keyring.set({key: 'new', data: ITEM.data}))
    expectOneClearLine(error, 'BACKEND_UNAVAILABLE', /no usable public key for vault-test@example\.invalid .*import it/)
  })

  describe('with a passphrase-protected key', function () {
    const locked = 'locked@example.invalid'
    const passphrase = 'a passphrase nobody types'

    async function lockedStore(name: string, pinentry: string): Promise<Record<string, string>> {
      const home = await otherHome(name, `pinentry-program ${pinentry}\n`)
      await generateKey(home.path, locked, passphrase)
      // Drop whatever the agent remembers from key generation.
      await home.kill()
      const store = join(fixture.root, `${name}-store`)
      const env = passEnv(fixture.home, home.path, {AWS_VAULT_PASS_PASSWORD_STORE_DIR: store})
      await passCli({...env, PASSWORD_STORE_DIR: store}, ['init', locked])
      await (await openKeyring(env)).set(ITEM)
      return env
    }

    it('stops before gpg starts its pinentry when vault may not show a dialog, and names it', async function () {
      const pinentry = await answeringPinentry(fixture.root, 'refused', passphrase)
      const env = await lockedStore('refused', pinentry.program)
      const refusal = new Error('no dialog here')
      const ctx = backendContext({
        env,
        homedir: fixture.home,
        beforeDialog: () => {
          throw refusal
        },
      })
      expect(await failure((await passDescriptor()).open(ctx).then((keyring) => keyring.get('work')))).to.equal(refusal)
      expect(ctx.dialogs).to.deep.equal([`gpg's passphrase entry for pass entry "work"`])
      expect(await pinentry.launches()).to.equal(0)
    })

    it('announces the passphrase entry, lets gpg ask once, then reads without asking while the agent holds the key', async function () {
      const pinentry = await answeringPinentry(fixture.root, 'answered', passphrase)
      const env = await lockedStore('answered', pinentry.program)
      const ctx = backendContext({env, homedir: fixture.home})
      const keyring = await (await passDescriptor()).open(ctx)
      expect((await keyring.get('work')).data).to.deep.equal(ITEM.data)
      expect(ctx.dialogs).to.have.length(1)
      expect(await pinentry.launches()).to.equal(1)
      // A fast-path caller now gets the item: nothing is left to ask.
      const fast = backendContext({env, homedir: fixture.home, beforeDialog: () => expect.fail('asked again')})
      expect((await (await (await passDescriptor()).open(fast)).get('work')).data).to.deep.equal(ITEM.data)
      expect(fast.dialogs).to.deep.equal([])
      expect(await pinentry.launches()).to.equal(1)
    })

    it('reports the agent as locked when no pinentry program exists', async function () {
      const env = await lockedStore('no-pinentry', join(fixture.root, 'no-such-pinentry'))
      const error = await failure((await openKeyring(env)).get('work'))
      expectOneClearLine(error, 'BACKEND_LOCKED', /could not unlock the secret key for pass entry "work".*pass show "work" in a terminal/)
    })

    it('reports the agent as locked when the passphrase entry is cancelled', async function () {
      const pinentry = join(fixture.root, 'cancelling-pinentry')
      // Speaks just enough of the Assuan protocol to refuse every passphrase request.
      await writeFile(
        pinentry,
        '#!/bin/sh\necho OK\nwhile read -r line; do case "$line" in GETPIN*) echo "ERR 83886179 Operation cancelled <Pinentry>";; BYE*) echo OK; exit 0;; *) echo OK;; esac; done\n',
      )
      await chmod(pinentry, 0o755)
      const env = await lockedStore('cancelled', pinentry)
      const error = await failure((await openKeyring(env)).get('work'))
      expectOneClearLine(error, 'BACKEND_LOCKED', /could not unlock the secret key/)
    })
  })

  it('reports an entry that holds no keyring item without quoting it', async function () {
    await passCli({...fixture.env(), PASSWORD_STORE_DIR: fixture.store}, ['insert', '-m', '-f', 'plain'], `password ${SECRET}\n`)
    const error = await failure((await openKeyring(fixture.env())).get('plain'))
    expectOneClearLine(error, 'BACKEND_CORRUPT', /pass entry "plain" .* does not hold a keyring item/)
  })

  it('reports an entry that is not UTF-8 as holding no keyring item', async function () {
    const bytes = Buffer.concat([Buffer.from('{"Key":"odd","Data":"","Label":"'), Buffer.of(0xff), Buffer.from('"}\n')])
    await passCli({...fixture.env(), PASSWORD_STORE_DIR: fixture.store}, ['insert', '-m', '-f', 'odd'], bytes)
    const error = await failure((await openKeyring(fixture.env())).get('odd'))
    expectOneClearLine(error, 'BACKEND_CORRUPT', /pass entry "odd" .* does not hold a keyring item/)
  })

  it('refuses keys that would name an entry outside the prefix, and finds nothing there', async function () {
    const keyring = await openKeyring(fixture.env({AWS_VAULT_PASS_PREFIX: 'aws-vault'}))
    for (const key of ['', '.', '../work', 'a/../../work']) {
      expect(await failure(keyring.set({key, data: ITEM.data}))).to.be.instanceOf(TypeError)
      expect((await failure(keyring.get(key))).code).to.equal('ITEM_NOT_FOUND')
      expect((await failure(keyring.remove(key))).code).to.equal('ITEM_NOT_FOUND')
    }
    // The entry at the store root is untouched.
    expect((await (await openKeyring(fixture.env())).get('work')).data).to.deep.equal(ITEM.data)
  })
})

describe('pass backend: availability', function () {
  this.timeout(60_000)
  let fixture: PassFixture

  before(async function () {
    fixture = await passFixture('availability')
  })

  after(async function () {
    await fixture?.remove()
  })

  async function availability(env: Record<string, string>) {
    return (await passDescriptor()).isAvailable(context(env))
  }

  it('is available with pass installed and an initialised store', async function () {
    expect(await availability(fixture.env())).to.deep.equal({available: true, reason: `initialised password store at ${fixture.store}`})
  })

  it('is available when only the prefix folder was initialised (pass init -p)', async function () {
    const store = join(fixture.root, 'sub-store')
    await passCli({...fixture.env(), PASSWORD_STORE_DIR: store}, ['init', '-p', 'aws-vault', fixture.id])
    const env = fixture.env({AWS_VAULT_PASS_PASSWORD_STORE_DIR: store, AWS_VAULT_PASS_PREFIX: 'aws-vault'})
    expect((await availability(env)).available).to.equal(true)
    const keyring = await openKeyring(env)
    await keyring.set({key: 'sub', data: encoder.encode('x')})
    expect(await keyring.keys()).to.deep.equal(['sub'])
    expect((await availability(fixture.env({AWS_VAULT_PASS_PASSWORD_STORE_DIR: store}))).available).to.equal(false)
  })

  it('is not available without a store, and says where it looked and what to run', async function () {
    const missing = join(fixture.root, 'no-store')
    const result = await availability(fixture.env({AWS_VAULT_PASS_PASSWORD_STORE_DIR: missing}))
    expect(result.available).to.equal(false)
    expect(result.reason).to.equal(`no password store at ${missing}: run "pass init <gpg-id>" or set AWS_VAULT_PASS_PASSWORD_STORE_DIR`)
    const error = await failure(openKeyring(fixture.env({AWS_VAULT_PASS_PASSWORD_STORE_DIR: missing})))
    expect(error.code).to.equal('BACKEND_UNAVAILABLE')
  })

  it('is not available when the store has no .gpg-id', async function () {
    const bare = join(fixture.root, 'bare-store')
    await mkdir(bare)
    const result = await availability(fixture.env({AWS_VAULT_PASS_PASSWORD_STORE_DIR: bare}))
    expect(result).to.deep.equal({
      available: false,
      reason: `the password store at ${bare} is not initialised (no .gpg-id): run "pass init <gpg-id>" first`,
    })
  })

  it('is not available when the pass command is unknown or pass is not installed', async function () {
    const emptyBin = await tempDir('empty-bin')
    try {
      for (const [settings, named] of [
        [{AWS_VAULT_PASS_CMD: 'vault-no-such-pass'}, '"vault-no-such-pass"'],
        [{AWS_VAULT_PASS_CMD: join(fixture.root, 'missing', 'pass')}, JSON.stringify(join(fixture.root, 'missing', 'pass'))],
        [{PATH: emptyBin.path}, '"pass"'],
      ] as const) {
        const env = {...fixture.env(), ...settings}
        const result = await availability(env)
        expect(result.available).to.equal(false)
        expect(result.reason).to.equal(
          `the pass command ${named} was not found: install pass (Debian package "pass") or set AWS_VAULT_PASS_CMD`,
        )
        const error = await failure(openKeyring(env))
        expect(error.code).to.equal('BACKEND_UNAVAILABLE')
        expect(error.message).to.equal(result.reason)
      }
    } finally {
      await emptyBin.remove()
    }
  })

  it('runs the pass named by AWS_VAULT_PASS_CMD as a path', async function () {
    const pass = await requirePass()
    const keyring = await openKeyring(fixture.env({AWS_VAULT_PASS_CMD: pass}))
    await keyring.set({key: 'via-path', data: encoder.encode('x')})
    expect(await keyring.keys()).to.include('via-path')
  })
})
