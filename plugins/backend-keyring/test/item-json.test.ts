import {expect} from 'chai'

import {itemCodec, shareUntilFailure} from '@vault-aws/cli/plugin-testkit'
import {CONTENT_TYPE, KEY_ATTRIBUTE, SecretServiceKeyring} from '../src/secret-service/keyring.ts'
import type {NewItem, SecretService} from '../src/secret-service/service.ts'
import {codeOf} from './support/context.ts'

const COLLECTION = '/org/freedesktop/secrets/collection/awsvault'

/** One unlocked collection held in memory: as much of a Secret Service as item storage touches. */
function memoryService() {
  const created: NewItem[] = []
  const secrets = new Map<string, Uint8Array>()
  const service = {
    findCollection: async () => COLLECTION,
    createCollection: async () => COLLECTION,
    ensureUnlocked: async () => undefined,
    searchItems: async (_collection: string, attributes: Record<string, string>) =>
      secrets.has(attributes[KEY_ATTRIBUTE] ?? '') ? [attributes[KEY_ATTRIBUTE]] : [],
    getSecret: async (path: string) => secrets.get(path) ?? new Uint8Array(0),
    createItem: async (_collection: string, item: NewItem) => {
      created.push(item)
      secrets.set(item.attributes[KEY_ATTRIBUTE] ?? '', item.secret)
      return item.attributes[KEY_ATTRIBUTE] ?? ''
    },
  }
  const keyring = new SecretServiceKeyring({
    collection: 'awsvault',
    connect: async () => service as unknown as SecretService,
    items: itemCodec,
    shareUntilFailure,
  })
  return {keyring, created, secrets}
}

describe("OS keyring backend: the Secret Service secret is aws-vault's item JSON", function () {
  it('stores the item as the host encodes it, labelled and looked up by its key', async function () {
    const {keyring, created} = memoryService()
    const item = {key: 'work', data: new TextEncoder().encode('{"AccessKeyID":"AKID"}'), label: 'L&'}
    await keyring.set(item)
    expect(created).to.have.length(1)
    expect(created[0]).to.include({label: 'work', contentType: CONTENT_TYPE})
    expect(created[0]?.attributes).to.deep.equal({[KEY_ATTRIBUTE]: 'work'})
    expect(new TextDecoder().decode(created[0]?.secret)).to.equal(itemCodec.encode(item))
    const read = await keyring.get('work')
    expect(read.key).to.equal('work')
    expect(read.label).to.equal('L&')
    expect([...read.data]).to.deep.equal([...item.data])
  })

  it("reports a secret that is not UTF-8, or not an item's JSON, as BACKEND_CORRUPT", async function () {
    const {keyring, secrets} = memoryService()
    secrets.set('bytes', Uint8Array.of(0xff, 0xfe))
    secrets.set('array', new TextEncoder().encode('[1]'))
    expect(await codeOf(keyring.get('bytes'))).to.equal('BACKEND_CORRUPT')
    expect(await codeOf(keyring.get('array'))).to.equal('BACKEND_CORRUPT')
  })
})
