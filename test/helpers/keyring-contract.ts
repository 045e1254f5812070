import {randomBytes} from 'node:crypto'

import {expect} from 'chai'

import type {Keyring, KeyringItem} from '../../src/lib/plugin-api/index.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function bytes(text: string): Uint8Array {
  return encoder.encode(text)
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (error) {
    return (error as {code?: string}).code
  }
  expect.fail('expected the call to fail')
}

/**
 * The behaviour every keyring backend promises. Keys carry a random prefix so a backend
 * that shares its store with other programs (an OS keyring) sees no clash, and every key a
 * test wrote is removed afterwards.
 */
export function keyringContract(name: string, open: () => Promise<Keyring>, cleanup?: () => Promise<void>): void {
  describe(`keyring contract: ${name}`, function () {
    let keyring: Keyring
    let prefix: string
    const written = new Set<string>()

    function key(suffix: string): string {
      const full = `${prefix}${suffix}`
      written.add(full)
      return full
    }

    async function set(item: KeyringItem, on: Keyring = keyring): Promise<void> {
      written.add(item.key)
      await on.set(item)
    }

    beforeEach(async function () {
      prefix = `contract-${randomBytes(4).toString('hex')}-`
      written.clear()
      keyring = await open()
    })

    afterEach(async function () {
      for (const k of written) await keyring.remove(k).catch(() => undefined)
    })

    if (cleanup !== undefined) after(cleanup)

    it('returns what was set', async function () {
      const k = key('round-trip')
      await set({key: k, data: bytes('{"AccessKeyID":"AKIDEXAMPLE"}')})
      const item = await keyring.get(k)
      expect(item.key).to.equal(k)
      expect(decoder.decode(item.data)).to.equal('{"AccessKeyID":"AKIDEXAMPLE"}')
    })

    it('keeps binary data byte for byte', async function () {
      const k = key('binary')
      const data = Uint8Array.from({length: 256}, (_, i) => i)
      await set({key: k, data})
      expect([...(await keyring.get(k)).data]).to.deep.equal([...data])
    })

    it('overwrites an existing item', async function () {
      const k = key('overwrite')
      await set({key: k, data: bytes('first')})
      await set({key: k, data: bytes('second')})
      expect(decoder.decode((await keyring.get(k)).data)).to.equal('second')
      expect((await keyring.keys()).filter((listed) => listed === k)).to.have.length(1)
    })

    it('removes an item', async function () {
      const k = key('remove')
      const kept = key('kept')
      await set({key: k, data: bytes('gone soon')})
      await set({key: kept, data: bytes('stays')})
      await keyring.remove(k)
      expect(await codeOf(keyring.get(k))).to.equal('ITEM_NOT_FOUND')
      expect(await keyring.keys()).not.to.include(k)
      expect(decoder.decode((await keyring.get(kept)).data)).to.equal('stays')
    })

    it('lists the keys it holds', async function () {
      const names = [key('a'), key('b'), key('c')]
      for (const k of names) await set({key: k, data: bytes(k)})
      const listed = await keyring.keys()
      expect(listed).to.include.members(names)
      expect(listed.filter((listed) => listed.startsWith(prefix)).sort()).to.deep.equal([...names].sort())
    })

    it('reports a missing item as ITEM_NOT_FOUND on get and remove', async function () {
      const k = key('never-written')
      expect(await codeOf(keyring.get(k))).to.equal('ITEM_NOT_FOUND')
      expect(await codeOf(keyring.remove(k))).to.equal('ITEM_NOT_FOUND')
    })

    it('handles unicode in keys and data', async function () {
      const k = key('профиль-日本-🔑')
      await set({key: k, data: bytes('секрет ✓ 🗝️')})
      expect(decoder.decode((await keyring.get(k)).data)).to.equal('секрет ✓ 🗝️')
      expect(await keyring.keys()).to.include(k)
    })

    it('keeps keys with slashes and percent signs distinct', async function () {
      const names = [key('a/b'), key('a%2Fb'), key('%'), key('a%25b'), key('../up'), key('oidc:https://x.example/start')]
      for (const k of names) await set({key: k, data: bytes(`value of ${k}`)})
      for (const k of names) expect(decoder.decode((await keyring.get(k)).data)).to.equal(`value of ${k}`)
      expect(await keyring.keys()).to.include.members(names)
    })

    it('stores a large value (1 MiB)', async function () {
      const k = key('large')
      const data = new Uint8Array(randomBytes(1024 * 1024))
      await set({key: k, data})
      const back = (await keyring.get(k)).data
      expect(back.byteLength).to.equal(data.byteLength)
      expect(Buffer.from(back).equals(Buffer.from(data))).to.equal(true)
    })

    it('preserves label and description', async function () {
      const k = key('labelled')
      await set({key: k, data: bytes('x'), label: 'aws-vault (work)', description: 'AWS credentials <&>'})
      const item = await keyring.get(k)
      expect(item.label).to.equal('aws-vault (work)')
      expect(item.description).to.equal('AWS credentials <&>')
    })

    it('lets concurrent writers on different keys all succeed', async function () {
      const writers = await Promise.all(Array.from({length: 4}, () => open()))
      const names = Array.from({length: 12}, (_, i) => key(`parallel-${i}`))
      await Promise.all(names.map((k, i) => set({key: k, data: bytes(`value ${i}`)}, writers[i % writers.length])))
      for (const [i, k] of names.entries()) expect(decoder.decode((await keyring.get(k)).data)).to.equal(`value ${i}`)
      expect(await keyring.keys()).to.include.members(names)
    })

    it('leaves one readable written value after concurrent writers on one key', async function () {
      const writers = await Promise.all(Array.from({length: 4}, () => open()))
      const k = key('contended')
      const values = Array.from({length: 12}, (_, i) => `writer ${i} ${'x'.repeat(i * 100)}`)
      await Promise.all(values.map((value, i) => set({key: k, data: bytes(value)}, writers[i % writers.length])))
      expect(values).to.include(decoder.decode((await keyring.get(k)).data))
      expect((await keyring.keys()).filter((listed) => listed === k)).to.have.length(1)
    })
  })
}
