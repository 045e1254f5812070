import {createCipheriv, createDecipheriv, createDiffieHellman, getDiffieHellman, hkdfSync} from 'node:crypto'

import {expect} from 'chai'

import {dhOffer, plainTransport} from '../src/secret-service/transport.ts'

describe('Secret Service secret transfer', function () {
  it("agrees on the AES key with a service doing the spec's exchange, and opens what it seals", function () {
    const offer = dhOffer()
    const service = getDiffieHellman('modp2')
    const servicePublic = service.generateKeys()
    const transport = offer.complete(servicePublic)
    const serviceKey = hkdfSync('sha256', service.computeSecret(offer.publicKey), Buffer.alloc(0), Buffer.alloc(0), 16)

    const plaintext = new TextEncoder().encode('{"Key":"work","Data":"c2VjcmV0"}')
    const {parameters, value} = transport.seal(plaintext)
    expect(parameters).to.have.length(16)
    expect(Buffer.from(value).includes(Buffer.from('work'))).to.equal(false)

    // What the service would send for the same secret: opened by the client.
    const cipher = createCipheriv('aes-128-cbc', Buffer.from(serviceKey), parameters)
    const fromService = Buffer.concat([cipher.update(plaintext), cipher.final()])
    expect(fromService.equals(value)).to.equal(true)
    expect(new TextDecoder().decode(transport.open(parameters, fromService))).to.equal('{"Key":"work","Data":"c2VjcmV0"}')
  })

  it('agrees when either public value is short of the prime by leading zero bytes, padded or not', function () {
    const offer = dhOffer()
    // A private key of 0x0100 makes the service's public value 2^256: 33 bytes where the prime has 128.
    const service = createDiffieHellman(getDiffieHellman('modp2').getPrime(), Buffer.from([2]))
    service.setPrivateKey(Buffer.from([1, 0]))
    service.generateKeys()
    const short = service.getPublicKey()
    expect(short).to.have.length(33)
    const serviceKey = Buffer.from(hkdfSync('sha256', service.computeSecret(offer.publicKey), Buffer.alloc(0), Buffer.alloc(0), 16))
    for (const servicePublic of [short, Buffer.concat([Buffer.alloc(128 - short.length), short])]) {
      const {parameters, value} = offer.complete(servicePublic).seal(new Uint8Array([1, 2, 3]))
      const decipher = createDecipheriv('aes-128-cbc', serviceKey, parameters)
      expect([...Buffer.concat([decipher.update(value), decipher.final()])]).to.deep.equal([1, 2, 3])
    }
    expect(offer.publicKey).to.have.length(128)
  })

  it('uses a fresh IV for every secret', function () {
    const transport = dhOffer().complete(getDiffieHellman('modp2').generateKeys())
    const first = transport.seal(new Uint8Array([1, 2, 3]))
    const second = transport.seal(new Uint8Array([1, 2, 3]))
    expect(first.parameters.equals(second.parameters)).to.equal(false)
  })

  it('passes secrets through unchanged in a plain session', function () {
    const sealed = plainTransport.seal(new Uint8Array([7, 8]))
    expect(sealed.parameters).to.have.length(0)
    expect([...plainTransport.open(sealed.parameters, sealed.value)]).to.deep.equal([7, 8])
  })
})
