import {mkdir, readdir, readFile, utimes, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'
import {CompactEncrypt} from 'jose'

import {backendContext} from '@vault-aws/cli/plugin-testkit'
import backends from '../src/hooks/backends.ts'
import {TEMP_PREFIX} from '../src/atomic-write.ts'
import {filenameToKey, itemKeyOf, keyToFilename} from '../src/filename.ts'
import {resolveStoreDir} from '../src/store-dir.ts'
import {encoder, keyringAt, PASSPHRASE, tempDir} from './support.ts'

async function codeAndMessage(promise: Promise<unknown>): Promise<[string | undefined, string]> {
  try {
    await promise
  } catch (error) {
    return [(error as {code?: string}).code, (error as Error).message]
  }
  expect.fail('expected the call to fail')
}

describe('file backend: store', function () {
  let store: Awaited<ReturnType<typeof tempDir>>

  beforeEach(async function () {
    store = await tempDir()
  })

  afterEach(async function () {
    await store.remove()
  })

  it('reports a file that is not a JWE as BACKEND_CORRUPT naming the file', async function () {
    await writeFile(join(store.path, 'a%2Fb'), 'garbage')
    const [code, message] = await codeAndMessage(keyringAt(store.path).get('a/b'))
    expect(code).to.equal('BACKEND_CORRUPT')
    expect(message).to.contain(join(store.path, 'a%2Fb'))
  })

  it('reports a JWE that does not hold an item as BACKEND_CORRUPT', async function () {
    const token = await new CompactEncrypt(encoder.encode('[1,2,3]'))
      .setProtectedHeader({alg: 'PBES2-HS256+A128KW', enc: 'A256GCM'})
      .encrypt(encoder.encode(PASSPHRASE))
    await writeFile(join(store.path, 'odd'), token)
    const [code, message] = await codeAndMessage(keyringAt(store.path).get('odd'))
    expect(code).to.equal('BACKEND_CORRUPT')
    expect(message).to.contain(join(store.path, 'odd'))
  })

  it('reports a JWE whose plaintext is not UTF-8 as BACKEND_CORRUPT', async function () {
    const plaintext = Buffer.concat([encoder.encode('{"Key":"odd","Data":"","Label":"'), Uint8Array.of(0xff), encoder.encode('"}')])
    const token = await new CompactEncrypt(plaintext)
      .setProtectedHeader({alg: 'PBES2-HS256+A128KW', enc: 'A256GCM'})
      .encrypt(encoder.encode(PASSPHRASE))
    await writeFile(join(store.path, 'odd'), token)
    const [code] = await codeAndMessage(keyringAt(store.path).get('odd'))
    expect(code).to.equal('BACKEND_CORRUPT')
  })

  it('lists item files only', async function () {
    const keyring = keyringAt(store.path)
    await keyring.set({key: 'real', data: encoder.encode('x')})
    await writeFile(join(store.path, `${TEMP_PREFIX}0123456789abcdef`), 'half-written')
    await writeFile(join(store.path, 'bad%zzescape'), 'stray')
    await writeFile(join(store.path, 'lower%2fcase'), 'stray')
    await mkdir(join(store.path, 'subdir'))
    expect(await keyring.keys()).to.deep.equal(['real'])
  })

  it('keeps the keys "." and ".." inside the store', async function () {
    const keyring = keyringAt(store.path)
    await keyring.set({key: '.', data: encoder.encode('dot')})
    await keyring.set({key: '..', data: encoder.encode('dotdot')})
    expect(await readdir(store.path)).to.have.members(['%2E', '%2E%2E'])
    expect(await keyring.keys()).to.have.members(['.', '..'])
  })

  it('rejects an empty key', async function () {
    const keyring = keyringAt(store.path)
    expect(await codeAndMessage(keyring.set({key: '', data: encoder.encode('x')})))
      .to.have.property('1')
      .that.contains('empty')
    expect((await codeAndMessage(keyring.get('')))[0]).to.equal('ITEM_NOT_FOUND')
  })

  it('clears temp files a killed writer left long ago, and keeps fresh ones', async function () {
    const stale = join(store.path, `${TEMP_PREFIX}00000000000000aa`)
    const fresh = join(store.path, `${TEMP_PREFIX}00000000000000bb`)
    await writeFile(stale, 'old')
    await writeFile(fresh, 'new')
    const dayAgo = new Date(Date.now() - 24 * 3600 * 1000)
    await utimes(stale, dayAgo, dayAgo)
    await keyringAt(store.path).set({key: 'k', data: encoder.encode('x')})
    expect(await readdir(store.path)).to.have.members(['k', `${TEMP_PREFIX}00000000000000bb`])
  })

  it('fails with BACKEND_UNAVAILABLE when the store path is a file', async function () {
    const file = join(store.path, 'file')
    await writeFile(file, '')
    expect((await codeAndMessage(keyringAt(file).keys()))[0]).to.equal('BACKEND_UNAVAILABLE')
  })
})

describe('file backend: names and settings', function () {
  it('round-trips escaped names and refuses names the encoding never produces', function () {
    for (const key of ['plain', 'a/b', '%', '%%2F', 'ü/%/ü', '.', '..', '.hidden']) {
      expect(filenameToKey(keyToFilename(key))).to.equal(key)
      expect(itemKeyOf(keyToFilename(key))).to.equal(key)
    }
    expect(filenameToKey('a%2fb')).to.equal('a/b')
    expect(filenameToKey('%zz')).to.equal('%zz')
    expect(filenameToKey('%FF')).to.equal(undefined)
    expect(itemKeyOf('%zz')).to.equal(undefined)
    expect(itemKeyOf(`${TEMP_PREFIX}abc`)).to.equal(undefined)
  })

  it('uses ~/.awsvault/keys by default and expands a leading ~/ in AWS_VAULT_FILE_DIR', function () {
    expect(resolveStoreDir({}, '/home/u')).to.equal('/home/u/.awsvault/keys')
    expect(resolveStoreDir({AWS_VAULT_FILE_DIR: '~/vault'}, '/home/u')).to.equal('/home/u/vault')
    expect(resolveStoreDir({AWS_VAULT_FILE_DIR: '/srv/keys/'}, '/home/u')).to.equal('/srv/keys')
    expect(resolveStoreDir({AWS_VAULT_FILE_DIR: '~other/keys'}, '/home/u')).to.match(/\/~other\/keys$/)
  })

  it('describes one always-available backend of lowest priority', async function () {
    const descriptors = await backends()
    expect(descriptors).to.have.length(1)
    const [file] = descriptors
    expect(file).to.include({id: 'file', priority: 10})
    expect(file?.summary).to.be.a('string').and.not.equal('')
    const availability = await file?.isAvailable(backendContext({homedir: '/h'}))
    expect(availability?.available).to.equal(true)
    expect(availability?.reason).to.be.a('string').and.not.equal('')
  })

  it('keeps the hook file free of run-time imports, so listing backends loads no crypto', async function () {
    const source = await readFile(new URL('../src/hooks/backends.ts', import.meta.url), 'utf8')
    const staticImports = source.split('\n').filter((line) => /^import\s/.test(line) && !/^import type\s/.test(line))
    expect(staticImports).to.deep.equal([])
  })
})
