import {randomBytes} from 'node:crypto'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'
import nodeJose from 'node-jose'

import {decoder, encoder, keyringAt, PASSPHRASE, tempDir} from './support.ts'

// Everything aws-vault's side is built here from its documented format with an independent
// JOSE implementation, never with the backend's own code.
const ITEM_FIELDS = ['Key', 'Data', 'Label', 'Description', 'KeychainNotTrustApplication', 'KeychainNotSynchronizable']

async function passwordKey(passphrase: string): Promise<nodeJose.JWK.Key> {
  return nodeJose.JWK.asKey({kty: 'oct', k: Buffer.from(passphrase, 'utf8').toString('base64url')})
}

async function awsVaultToken(item: Record<string, unknown>, passphrase = PASSPHRASE): Promise<string> {
  const fields = {
    alg: 'PBES2-HS256+A128KW',
    created: '2024-03-05 10:11:12.123456789 +0100 CET m=+0.004512345',
    enc: 'A256GCM',
    p2c: 8192,
    p2s: randomBytes(12).toString('base64url'),
  }
  const encrypter = nodeJose.JWE.createEncrypt({format: 'compact', contentAlg: 'A256GCM', fields}, await passwordKey(passphrase))
  return String(await encrypter.update(Buffer.from(JSON.stringify(item))).final())
}

function goItem(key: string, data: string, label = '', description = ''): Record<string, unknown> {
  return {
    Key: key,
    Data: Buffer.from(data).toString('base64'),
    Label: label,
    Description: description,
    KeychainNotTrustApplication: false,
    KeychainNotSynchronizable: false,
  }
}

describe('file backend: aws-vault compatibility', function () {
  let store: Awaited<ReturnType<typeof tempDir>>

  beforeEach(async function () {
    store = await tempDir()
  })

  afterEach(async function () {
    await store.remove()
  })

  it('reads an item written by another JOSE implementation with aws-vault parameters', async function () {
    const credentials = '{"AccessKeyID":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}'
    await writeFile(join(store.path, 'work'), await awsVaultToken(goItem('work', credentials, 'aws-vault (work)')), {mode: 0o600})
    const item = await keyringAt(store.path).get('work')
    expect(item.key).to.equal('work')
    expect(decoder.decode(item.data)).to.equal(credentials)
    expect(item.label).to.equal('aws-vault (work)')
    expect(item.description).to.equal(undefined)
  })

  it('reads an item whose Data is null, as Go writes an empty byte slice it never set', async function () {
    await writeFile(join(store.path, 'empty'), await awsVaultToken({...goItem('empty', ''), Data: null}))
    expect((await keyringAt(store.path).get('empty')).data.byteLength).to.equal(0)
  })

  it('reads and lists items aws-vault stored under escaped names', async function () {
    const keys = {
      'oidc:https:%2F%2Fmy-sso.example%2Fstart': 'oidc:https://my-sso.example/start',
      '100%25': '100%',
      'a%252Fb': 'a%2Fb',
    }
    for (const [name, key] of Object.entries(keys)) {
      await writeFile(join(store.path, name), await awsVaultToken(goItem(key, `value of ${key}`)))
    }
    const keyring = keyringAt(store.path)
    expect(await keyring.keys()).to.have.members(Object.values(keys))
    for (const key of Object.values(keys)) expect(decoder.decode((await keyring.get(key)).data)).to.equal(`value of ${key}`)
  })

  it('writes a JWE another JOSE implementation decrypts into aws-vault Item JSON', async function () {
    const data = encoder.encode('{"AccessKeyID":"AKID","SecretAccessKey":"secret<&>"}')
    await keyringAt(store.path).set({key: 'work', data, label: 'aws-vault (work)'})
    const token = await readFile(join(store.path, 'work'), 'utf8')
    expect(token.split('.')).to.have.length(5)

    const result = await nodeJose.JWE.createDecrypt(await passwordKey(PASSPHRASE)).decrypt(token)
    const header = result.header as Record<string, unknown>
    expect(Object.keys(header)).to.deep.equal(['alg', 'created', 'enc', 'p2c', 'p2s'])
    expect(header.alg).to.equal('PBES2-HS256+A128KW')
    expect(header.enc).to.equal('A256GCM')
    expect(header.p2c).to.equal(8192)
    expect(Buffer.from(String(header.p2s), 'base64url')).to.have.length(12)
    expect(header.created).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/)

    const json = result.payload.toString('utf8')
    const item = JSON.parse(json) as Record<string, unknown>
    expect(Object.keys(item)).to.deep.equal(ITEM_FIELDS)
    expect(item).to.deep.equal({...goItem('work', decoder.decode(data), 'aws-vault (work)'), Data: Buffer.from(data).toString('base64')})
    // Go's encoder escapes <, > and & inside strings; the base64 never needs it, the label does.
    expect(json).not.to.match(/[<>&]/)
  })

  it('escapes % and / in file names exactly as aws-vault does', async function () {
    const keyring = keyringAt(store.path)
    const expected: Record<string, string> = {
      'a/b': 'a%2Fb',
      '100%': '100%25',
      'a%2Fb': 'a%252Fb',
      'sts.GetSessionToken,d29yaw,,1700000000': 'sts.GetSessionToken,d29yaw,,1700000000',
      'oidc:https://x.example/start': 'oidc:https:%2F%2Fx.example%2Fstart',
      'ключ/é': 'ключ%2Fé',
    }
    for (const key of Object.keys(expected)) await keyring.set({key, data: encoder.encode(key)})
    expect(await readdir(store.path)).to.have.members(Object.values(expected))
  })

  it('writes Go JSON escapes for <, > and & in labels', async function () {
    await keyringAt(store.path).set({key: 'k', data: encoder.encode('x'), description: '<a&b>'})
    const token = await readFile(join(store.path, 'k'), 'utf8')
    const result = await nodeJose.JWE.createDecrypt(await passwordKey(PASSPHRASE)).decrypt(token)
    expect(result.payload.toString('utf8')).to.contain('"Description":"\\u003ca\\u0026b\\u003e"')
  })
})
