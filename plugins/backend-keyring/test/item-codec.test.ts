import {expect} from 'chai'
import fc from 'fast-check'

import {decodeItem, encodeItem} from '../src/item-codec.ts'

const decoder = new TextDecoder()

describe('Secret Service item JSON (aws-vault\'s keyring.Item)', function () {
  it('encodes every field in Go\'s order and escaping', function () {
    const json = decoder.decode(encodeItem({key: 'a<b', data: new TextEncoder().encode('x'), label: 'L&', description: 'D>'}))
    expect(json).to.equal(
      '{"Key":"a\\u003cb","Data":"eA==","Label":"L\\u0026","Description":"D\\u003e","KeychainNotTrustApplication":false,"KeychainNotSynchronizable":false}',
    )
  })

  it('decodes what it encodes, for any key, data, label and description', function () {
    fc.assert(
      fc.property(fc.string({minLength: 1}), fc.uint8Array(), fc.option(fc.string({minLength: 1}), {nil: undefined}), (key, data, label) => {
        const item = decodeItem(key, encodeItem({key, data, ...(label === undefined ? {} : {label})}))
        expect(item?.key).to.equal(key)
        expect([...(item?.data ?? [])]).to.deep.equal([...data])
        expect(item?.label).to.equal(label)
      }),
    )
  })

  it('reads a null Data as empty and rejects what Go would reject', function () {
    expect(decodeItem('k', new TextEncoder().encode('{"Key":"k","Data":null}'))?.data).to.have.length(0)
    expect(decodeItem('k', new TextEncoder().encode('{"Data":"not base64!"}'))).to.equal(undefined)
    expect(decodeItem('k', new TextEncoder().encode('[1]'))).to.equal(undefined)
    expect(decodeItem('k', Uint8Array.of(0xff, 0xfe))).to.equal(undefined)
  })
})
