import {expect} from 'chai'
import fc from 'fast-check'

import {decodeItem, encodeItem, itemCodec} from '../../../src/lib/keyring/item-codec.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

describe("keyring item JSON (aws-vault's keyring.Item)", function () {
  describe('encode', function () {
    it("writes every field in Go's order, with Go's escapes for <, >, &, U+2028 and U+2029", function () {
      expect(encodeItem({key: 'a<b', data: encoder.encode('x'), label: 'L&', description: 'D>'})).to.equal(
        '{"Key":"a\\u003cb","Data":"eA==","Label":"L\\u0026","Description":"D\\u003e","KeychainNotTrustApplication":false,"KeychainNotSynchronizable":false}',
      )
      expect(encodeItem({key: 'k<&>', data: encoder.encode('hi'), label: 'L', description: '\u2028\u2029'})).to.equal(
        '{"Key":"k\\u003c\\u0026\\u003e","Data":"aGk=","Label":"L","Description":"\\u2028\\u2029","KeychainNotTrustApplication":false,"KeychainNotSynchronizable":false}',
      )
    })

    it('keeps empty fields, as Go does without omitempty', function () {
      expect(encodeItem({key: 'k', data: new Uint8Array(0)})).to.equal(
        '{"Key":"k","Data":"","Label":"","Description":"","KeychainNotTrustApplication":false,"KeychainNotSynchronizable":false}',
      )
    })

    it('encodes only the bytes of a view, not the rest of its buffer', function () {
      const view = encoder.encode('xhiy').subarray(1, 3)
      expect(JSON.parse(encodeItem({key: 'k', data: view})).Data).to.equal('aGk=')
    })
  })

  describe('decode', function () {
    it('reads back what it writes, for any key, data, label and description', function () {
      const text = fc.option(fc.string({minLength: 1}), {nil: undefined})
      fc.assert(
        fc.property(fc.string(), fc.string({minLength: 1}), fc.uint8Array(), text, text, (storedKey, key, data, label, description) => {
          const json = encodeItem({
            key: storedKey,
            data,
            ...(label === undefined ? {} : {label}),
            ...(description === undefined ? {} : {description}),
          })
          const decoded = decodeItem(key, json)
          expect(decoded?.item.key).to.equal(key)
          expect([...(decoded?.item.data ?? [])]).to.deep.equal([...data])
          expect(decoded?.item.label).to.equal(label)
          expect(decoded?.item.description).to.equal(description)
          expect(decoded?.storedKey).to.equal(storedKey)
        }),
      )
    })

    it('names the item by the key it was found under and hands back the stored Key apart', function () {
      const decoded = decodeItem('oidc:https:/sso.example/start', '{"Key":"oidc:https://sso.example/start","Data":"aGk="}')
      expect(decoded?.item.key).to.equal('oidc:https:/sso.example/start')
      expect(decoded?.storedKey).to.equal('oidc:https://sso.example/start')
      expect(decodeItem('k', '{"Data":"aGk="}')?.storedKey).to.equal(undefined)
      expect(decodeItem('k', '{"Key":7,"Data":"aGk="}')?.storedKey).to.equal(undefined)
    })

    it('reads an absent or null Data as empty, and empty Label and Description as absent', function () {
      expect(decodeItem('k', '{"Key":"k","Data":null}')?.item.data.byteLength).to.equal(0)
      expect(decodeItem('k', '{}')?.item.data.byteLength).to.equal(0)
      const item = decodeItem('k', '{"Key":"k","Data":"","Label":"","Description":""}')?.item
      expect(item).to.have.keys(['key', 'data'])
    })

    it("accepts line breaks inside Data, which Go's decoder skips", function () {
      expect(decoder.decode(decodeItem('k', '{"Key":"k","Data":"aGk=\\n"}')?.item.data)).to.equal('hi')
      expect(decoder.decode(decodeItem('k', '{"Data":"aG\\r\\nk="}')?.item.data)).to.equal('hi')
    })

    it("refuses a Data that Go's standard padded base64 refuses", function () {
      for (const data of ['"not base64!"', '"a==="', '"a*b="', '"aGk"', '"aA==aA=="', '"aGk_"', '"aGk-"', '12', 'true', '["aGk="]']) {
        expect(decodeItem('k', `{"Key":"k","Data":${data}}`), data).to.equal(undefined)
      }
    })

    it("refuses what is not an object's JSON", function () {
      for (const json of ['hunter2', '', '[]', '[1]', 'null', '"text"', '42', '{"Key":"k"']) {
        expect(decodeItem('k', json), json).to.equal(undefined)
      }
    })

    it('gives the data a buffer of its own', function () {
      const data = decodeItem('k', '{"Data":"aGk="}')?.item.data
      expect(data?.byteOffset).to.equal(0)
      expect(data?.buffer.byteLength).to.equal(2)
    })
  })

  it('bundles both as the ItemCodec the host hands to backends', function () {
    expect(itemCodec.encode).to.equal(encodeItem)
    expect(itemCodec.decode).to.equal(decodeItem)
  })
})
