import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'

import type {Keyring, KeyringItem} from '../plugin-api/index.ts'
import {failureOf} from './failure.ts'
import {testRunner} from './runner.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function bytes(text: string): Uint8Array {
  return encoder.encode(text)
}

function assertIncludes(listed: string[], expected: string[]): void {
  const missing = expected.filter((key) => !listed.includes(key))
  assert.deepEqual(missing, [], 'keys() does not list every key written')
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return (await failureOf(promise)).code
}

/**
 * The behaviour every keyring backend promises, declared as mocha tests. Keys carry a random prefix so a backend
 * that shares its store with other programs (an OS keyring) sees no clash, and every key a
 * test wrote is removed afterwards.
 */
export interface ContractOptions {
  /**
   * Why the store under test cannot take several writers at once, when it cannot: the two
   * concurrent-writer cases are then reported as pending, with this reason in their title.
   */
  concurrentWritersUnsupported?: string
}

export function keyringContract(
  name: string,
  open: () => Promise<Keyring>,
  cleanup?: () => Promise<void>,
  options: ContractOptions = {},
): void {
  const {describe, it: runnerIt, beforeEach, afterEach, after} = testRunner('keyringContract')
  const concurrent = (title: string, body: Parameters<typeof runnerIt>[1]) =>
    options.concurrentWritersUnsupported === undefined
      ? runnerIt(title, body)
      : runnerIt(`${title} (not run: ${options.concurrentWritersUnsupported})`)
  const it = runnerIt
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
      assert.equal(item.key, k)
      assert.equal(decoder.decode(item.data), '{"AccessKeyID":"AKIDEXAMPLE"}')
    })

    it('keeps binary data byte for byte', async function () {
      const k = key('binary')
      const data = Uint8Array.from({length: 256}, (_, i) => i)
      await set({key: k, data})
      assert.deepEqual([...(await keyring.get(k)).data], [...data])
    })

    it('overwrites an existing item', async function () {
      const k = key('overwrite')
      await set({key: k, data: bytes('first')})
      await set({key: k, data: bytes('second')})
      assert.equal(decoder.decode((await keyring.get(k)).data), 'second')
      assert.equal((await keyring.keys()).filter((listed) => listed === k).length, 1)
    })

    it('removes an item', async function () {
      const k = key('remove')
      const kept = key('kept')
      await set({key: k, data: bytes('gone soon')})
      await set({key: kept, data: bytes('stays')})
      await keyring.remove(k)
      assert.equal(await codeOf(keyring.get(k)), 'ITEM_NOT_FOUND')
      assert.ok(!(await keyring.keys()).includes(k), `${k} is still listed`)
      assert.equal(decoder.decode((await keyring.get(kept)).data), 'stays')
    })

    it('lists the keys it holds', async function () {
      const names = [key('a'), key('b'), key('c')]
      for (const k of names) await set({key: k, data: bytes(k)})
      const listed = await keyring.keys()
      assertIncludes(listed, names)
      assert.deepEqual(listed.filter((listed) => listed.startsWith(prefix)).sort(), [...names].sort())
    })

    it('reports a missing item as ITEM_NOT_FOUND on get and remove', async function () {
      const k = key('never-written')
      assert.equal(await codeOf(keyring.get(k)), 'ITEM_NOT_FOUND')
      assert.equal(await codeOf(keyring.remove(k)), 'ITEM_NOT_FOUND')
    })

    it('handles unicode in keys and data', async function () {
      const k = key('профиль-日本-🔑')
      await set({key: k, data: bytes('секрет ✓ 🗝️')})
      assert.equal(decoder.decode((await keyring.get(k)).data), 'секрет ✓ 🗝️')
      assertIncludes(await keyring.keys(), [k])
    })

    it('keeps keys with slashes and percent signs distinct', async function () {
      const names = [key('a/b'), key('a%2Fb'), key('%'), key('a%25b'), key('../up'), key('oidc:https://x.example/start')]
      for (const k of names) await set({key: k, data: bytes(`value of ${k}`)})
      for (const k of names) assert.equal(decoder.decode((await keyring.get(k)).data), `value of ${k}`)
      assertIncludes(await keyring.keys(), names)
    })

    it('stores a large value (1 MiB)', async function () {
      // Backends that spawn a program per operation (pass, keyctl) take long here; a slow machine longer still.
      this.timeout?.(120_000)
      const k = key('large')
      const data = new Uint8Array(randomBytes(1024 * 1024))
      await set({key: k, data})
      const back = (await keyring.get(k)).data
      assert.equal(back.byteLength, data.byteLength)
      assert.ok(Buffer.from(back).equals(Buffer.from(data)), 'the value read back differs from the one written')
    })

    it('preserves label and description', async function () {
      const k = key('labelled')
      await set({key: k, data: bytes('x'), label: 'aws-vault (work)', description: 'AWS credentials <&>'})
      const item = await keyring.get(k)
      assert.equal(item.label, 'aws-vault (work)')
      assert.equal(item.description, 'AWS credentials <&>')
    })

    concurrent('lets concurrent writers on different keys all succeed', async function () {
      // Backends that spawn a program per operation (pass, keyctl) take long here; a slow machine longer still.
      this.timeout?.(120_000)
      const writers = await Promise.all(Array.from({length: 4}, () => open()))
      const names = Array.from({length: 12}, (_, i) => key(`parallel-${i}`))
      await Promise.all(names.map((k, i) => set({key: k, data: bytes(`value ${i}`)}, writers[i % writers.length])))
      for (const [i, k] of names.entries()) assert.equal(decoder.decode((await keyring.get(k)).data), `value ${i}`)
      assertIncludes(await keyring.keys(), names)
    })

    concurrent('leaves one readable written value after concurrent writers on one key', async function () {
      // Backends that spawn a program per operation (pass, keyctl) take long here; a slow machine longer still.
      this.timeout?.(120_000)
      const writers = await Promise.all(Array.from({length: 4}, () => open()))
      const k = key('contended')
      const values = Array.from({length: 12}, (_, i) => `writer ${i} ${'x'.repeat(i * 100)}`)
      await Promise.all(values.map((value, i) => set({key: k, data: bytes(value)}, writers[i % writers.length])))
      const read = decoder.decode((await keyring.get(k)).data)
      assert.ok(values.includes(read), `read back a value no writer wrote: ${read.slice(0, 40)}`)
      assert.equal((await keyring.keys()).filter((listed) => listed === k).length, 1)
    })
  })
}
