import {readdir, readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'

import {itemCodec, shareUntilFailure} from '@vault-aws/cli/plugin-testkit'
import {FileKeyring, openFileKeyring} from '../src/file-keyring.ts'
import {context, decoder, encoder, keyringAt, PASSPHRASE, tempDir} from './support.ts'

async function failure(promise: Promise<unknown>): Promise<Error & {code?: string}> {
  try {
    await promise
  } catch (error) {
    return error as Error & {code?: string}
  }
  expect.fail('expected the call to fail')
}

/** Every file's name, bytes and modification time. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {}
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name)
    result[name] = `${(await stat(path)).mtimeMs} ${(await readFile(path)).toString('base64')}`
  }
  return result
}

describe('file backend: passphrase', function () {
  let store: Awaited<ReturnType<typeof tempDir>>

  beforeEach(async function () {
    store = await tempDir()
  })

  afterEach(async function () {
    await store.remove()
  })

  async function seed(): Promise<void> {
    const keyring = keyringAt(store.path)
    await keyring.set({key: 'work', data: encoder.encode('work credentials')})
    await keyring.set({key: 'home', data: encoder.encode('home credentials')})
  }

  it('fails get with BAD_PASSPHRASE under a wrong passphrase, without revealing it', async function () {
    await seed()
    const error = await failure(keyringAt(store.path, 'not the passphrase').get('work'))
    expect(error.code).to.equal('BAD_PASSPHRASE')
    expect(error.message).not.to.contain('not the passphrase')
    expect(error.message).not.to.contain('credentials')
    expect(error.message).not.to.contain('\n')
  })

  it('refuses to write under a wrong passphrase and leaves every file byte-identical', async function () {
    await seed()
    const before = await snapshot(store.path)
    const keyring = keyringAt(store.path, 'not the passphrase')
    expect((await failure(keyring.set({key: 'new', data: encoder.encode('x')}))).code).to.equal('BAD_PASSPHRASE')
    expect((await failure(keyring.set({key: 'work', data: encoder.encode('x')}))).code).to.equal('BAD_PASSPHRASE')
    expect(await snapshot(store.path)).to.deep.equal(before)
  })

  it('keeps one store under one passphrase once its first item is written', async function () {
    await keyringAt(store.path, 'first').set({key: 'a', data: encoder.encode('1')})
    expect((await failure(keyringAt(store.path, 'second').set({key: 'b', data: encoder.encode('2')}))).code).to.equal('BAD_PASSPHRASE')
    expect(await readdir(store.path)).to.deep.equal(['a'])
  })

  it('proves the passphrase on a readable item when another one is corrupt', async function () {
    await seed()
    await import('node:fs/promises').then(({writeFile}) => writeFile(join(store.path, 'broken'), 'not a jwe'))
    const error = await failure(keyringAt(store.path, 'wrong').set({key: 'new', data: encoder.encode('x')}))
    expect(error.code).to.equal('BAD_PASSPHRASE')
    await keyringAt(store.path).set({key: 'new', data: encoder.encode('x')})
    expect(decoder.decode((await keyringAt(store.path).get('new')).data)).to.equal('x')
  })

  it('asks once with aws-vault wording and reuses the answer', async function () {
    const ctx = context({AWS_VAULT_FILE_DIR: store.path})
    const keyring = openFileKeyring(ctx)
    await Promise.all([keyring.set({key: 'a', data: encoder.encode('1')}), keyring.set({key: 'b', data: encoder.encode('2')})])
    await keyring.get('a')
    await keyring.set({key: 'c', data: encoder.encode('3')})
    expect(ctx.prompts).to.deep.equal([`Enter passphrase to unlock "${store.path}": `])
  })

  it('takes AWS_VAULT_FILE_PASSPHRASE from the environment instead of asking, even when empty', async function () {
    for (const passphrase of [PASSPHRASE, '']) {
      const ctx = context({AWS_VAULT_FILE_DIR: join(store.path, `p${passphrase.length}`), AWS_VAULT_FILE_PASSPHRASE: passphrase})
      await openFileKeyring(ctx).set({key: 'k', data: encoder.encode('v')})
      expect(decoder.decode((await keyringAt(join(store.path, `p${passphrase.length}`), passphrase).get('k')).data)).to.equal('v')
      expect(ctx.prompts).to.deep.equal([])
    }
  })

  it('does not ask for the passphrase to list, remove, or find nothing', async function () {
    await seed()
    const ctx = context({AWS_VAULT_FILE_DIR: store.path})
    const keyring = openFileKeyring(ctx)
    expect(await keyring.keys()).to.have.members(['home', 'work'])
    expect((await failure(keyring.get('missing'))).code).to.equal('ITEM_NOT_FOUND')
    await keyring.remove('home')
    expect(ctx.prompts).to.deep.equal([])
  })

  it('passes on a failed prompt as it came', async function () {
    const keyring = new FileKeyring({
      dir: store.path,
      promptSecret: () => Promise.reject(Object.assign(new Error('no terminal'), {code: 'NO_TTY'})),
      debug: () => undefined,
      items: itemCodec,
      shareUntilFailure,
    })
    expect((await failure(keyring.set({key: 'a', data: encoder.encode('1')}))).code).to.equal('NO_TTY')
    expect(await readdir(store.path)).to.deep.equal([])
  })
})
