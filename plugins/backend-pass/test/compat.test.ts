import {stat} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'

import {decoder, encoder, openKeyring, passCli, passFixture} from './support.ts'
import type {PassFixture} from './support.ts'

// aws-vault's side is written here by hand, the way Go's encoding/json marshals keyring.Item
// (field order, empty fields kept, <>& escaped), and put in place with the pass CLI itself.
function goItemJson(key: string, data: string, label = '', description = ''): string {
  const escapeForGo = (text: string) => JSON.stringify(text).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
  return (
    `{"Key":${escapeForGo(key)},"Data":"${Buffer.from(data).toString('base64')}","Label":${escapeForGo(label)},` +
    `"Description":${escapeForGo(description)},"KeychainNotTrustApplication":false,"KeychainNotSynchronizable":false}`
  )
}

// What aws-vault v7 marshals for stored long-term keys and for a cached session.
const CREDENTIALS =
  '{"AccessKeyID":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"","Source":"","CanExpire":false,"Expires":"0001-01-01T00:00:00Z"}'
const SESSION =
  '{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"c2VjcmV0","SessionToken":"FwoGZXIvYXdzEXAMPLE","Expiration":"2023-11-14T22:13:20Z"}'
const SESSION_KEY = 'sts.GetSessionToken,d29yaw,YXJuOmF3czppYW06OjEyMzQ1Njc4OTAxMjptZmEvd29yaw,1700000000'
const SSO_KEY = 'oidc:https://my-sso.example/start'
// Go's filepath.Join collapses the URL's double slash: this is where aws-vault puts that key.
const SSO_ENTRY = 'oidc:https:/my-sso.example/start'

describe('pass backend: aws-vault compatibility', function () {
  this.timeout(60_000)
  let fixture: PassFixture

  before(async function () {
    fixture = await passFixture('compat')
  })

  after(async function () {
    await fixture?.remove()
  })

  async function insert(name: string, json: string): Promise<void> {
    await passCli(fixture.env({PASSWORD_STORE_DIR: fixture.store}), ['insert', '-m', '-f', name], json)
  }

  async function show(name: string): Promise<string> {
    return (await passCli(fixture.env({PASSWORD_STORE_DIR: fixture.store}), ['show', name])).stdout
  }

  it('reads a tree laid out by aws-vault under a prefix, SSO keys with collapsed slashes included', async function () {
    await insert('aws-vault/work', goItemJson('work', CREDENTIALS, 'aws-vault (work)'))
    await insert(`aws-vault/${SESSION_KEY}`, goItemJson(SESSION_KEY, SESSION, 'aws-vault session for work (expires 2023-11-14T22:13:20Z)'))
    await insert(
      `aws-vault/${SSO_ENTRY}`,
      goItemJson(
        SSO_KEY,
        '{"AccessToken":"token","Expiration":"2023-11-14T22:13:20Z"}',
        'aws-vault oidc token for https://my-sso.example/start',
      ),
    )
    await insert('email/personal', 'hunter2')

    const keyring = await openKeyring(fixture.env({AWS_VAULT_PASS_PREFIX: 'aws-vault'}))
    expect(await keyring.keys()).to.deep.equal([SSO_KEY, SESSION_KEY, 'work'].sort())

    const work = await keyring.get('work')
    expect(decoder.decode(work.data)).to.equal(CREDENTIALS)
    expect(work.label).to.equal('aws-vault (work)')
    expect(work.description).to.equal(undefined)
    expect(decoder.decode((await keyring.get(SESSION_KEY)).data)).to.equal(SESSION)
    expect(decoder.decode((await keyring.get(SSO_KEY)).data)).to.contain('"AccessToken":"token"')
  })

  it('reads entries at the store root, where aws-vault puts them without a prefix', async function () {
    await insert('personal', goItemJson('personal', CREDENTIALS, 'aws-vault (personal)'))
    const keyring = await openKeyring(fixture.env())
    expect(await keyring.keys()).to.include('personal')
    expect(decoder.decode((await keyring.get('personal')).data)).to.equal(CREDENTIALS)
  })

  it('writes what pass show returns and aws-vault decodes: the item JSON, byte for byte', async function () {
    const keyring = await openKeyring(fixture.env({AWS_VAULT_PASS_PREFIX: 'written'}))
    await keyring.set({key: 'dev', data: encoder.encode(CREDENTIALS), label: 'aws-vault (dev)', description: 'keys <&> for dev'})
    expect(await show('written/dev')).to.equal(goItemJson('dev', CREDENTIALS, 'aws-vault (dev)', 'keys <&> for dev'))
    expect((await stat(join(fixture.store, 'written', 'dev.gpg'))).isFile()).to.equal(true)
  })

  it('writes a key with slashes where aws-vault looks for it, keeping the key itself in the item', async function () {
    const keyring = await openKeyring(fixture.env({AWS_VAULT_PASS_PREFIX: 'written'}))
    await keyring.set({key: SSO_KEY, data: encoder.encode('{"AccessToken":"t"}')})
    expect((await stat(join(fixture.store, 'written', `${SSO_ENTRY}.gpg`))).isFile()).to.equal(true)
    expect(JSON.parse(await show(`written/${SSO_ENTRY}`))).to.include({
      Key: SSO_KEY,
      Data: Buffer.from('{"AccessToken":"t"}').toString('base64'),
    })
    expect(await keyring.keys()).to.include(SSO_KEY)
  })

  it('lists an entry by its path when its item names another key', async function () {
    // A hand-copied entry: trusting its Key field would list a key that get() cannot find.
    await insert(`moved/${SSO_ENTRY}`, goItemJson('oidc:https://elsewhere.example/start', '{}'))
    const keyring = await openKeyring(fixture.env({AWS_VAULT_PASS_PREFIX: 'moved'}))
    expect(await keyring.keys()).to.deep.equal([SSO_ENTRY])
    expect(decoder.decode((await keyring.get(SSO_ENTRY)).data)).to.equal('{}')
  })
})
