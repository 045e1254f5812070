import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyPairKeyObjectResult,
  randomBytes,
} from 'node:crypto'

// The Secret Service's encrypted transfer: a Diffie-Hellman exchange in the 1024-bit group
// of RFC 2409 (Node's `modp2`), HKDF-SHA256 without salt or info down to an AES-128 key,
// then every secret AES-128-CBC with PKCS#7 padding and a fresh IV in its parameters.
export const DH_ALGORITHM = 'dh-ietf1024-sha256-aes128-cbc-pkcs7'

/** How secrets cross the bus in one session. */
export interface SecretTransport {
  seal(plaintext: Uint8Array): {parameters: Buffer; value: Buffer}
  open(parameters: Buffer, value: Buffer): Uint8Array
}

export const plainTransport: SecretTransport = {
  seal: (plaintext) => ({parameters: Buffer.alloc(0), value: Buffer.from(plaintext)}),
  open: (_parameters, value) => new Uint8Array(value),
}

export interface DhOffer {
  publicKey: Buffer
  /** The transport once the service's public key is known. */
  complete(servicePublicKey: Buffer): SecretTransport
}

// Node takes 'dh' with a named group (documented since Node 15); @types/node omits that overload.
const generateDhKeyPair = generateKeyPairSync as unknown as (type: 'dh', options: {group: string}) => KeyPairKeyObjectResult

// The group's prime is 128 bytes; public values and the shared secret travel left-padded to it.
const PRIME_BYTES = 128

export function dhOffer(): DhOffer {
  // A key pair made through OpenSSL's key API: Node's DiffieHellman objects test the group's prime on
  // creation, which took 40 ms of every run that opens a session.
  const {privateKey, publicKey} = generateDhKeyPair('dh', {group: 'modp2'})
  const {algorithm, value} = readDhSpki(publicKey.export({type: 'spki', format: 'der'}))
  return {
    publicKey: leftPad(value),
    complete(servicePublicKey) {
      const service = createPublicKey({key: dhSpki(algorithm, servicePublicKey), format: 'der', type: 'spki'})
      const shared = leftPad(diffieHellman({privateKey, publicKey: service}))
      const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), Buffer.alloc(0), 16))
      return aesTransport(key)
    },
  }
}

function leftPad(bytes: Buffer): Buffer {
  const value = withoutLeadingZeros(bytes)
  return value.length >= PRIME_BYTES ? value : Buffer.concat([Buffer.alloc(PRIME_BYTES - value.length), value])
}

// The DER of a DH SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier (the group), BIT STRING { INTEGER y } }.
// Ours gives the AlgorithmIdentifier; the service's y is wrapped in the same to become a KeyObject.
function readDhSpki(der: Buffer): {algorithm: Buffer; value: Buffer} {
  const outer = derElement(der, 0, 0x30)
  const algorithm = derElement(der, outer.contentStart, 0x30)
  const bits = derElement(der, algorithm.end, 0x03)
  const integer = derElement(der, bits.contentStart + 1, 0x02)
  return {algorithm: der.subarray(algorithm.start, algorithm.end), value: der.subarray(integer.contentStart, integer.end)}
}

function withoutLeadingZeros(bytes: Buffer): Buffer {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  return bytes.subarray(start)
}

function dhSpki(algorithm: Buffer, y: Buffer): Buffer {
  const magnitude = withoutLeadingZeros(y)
  const integer = derWrap(0x02, (magnitude[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude)
  return derWrap(0x30, Buffer.concat([algorithm, derWrap(0x03, Buffer.concat([Buffer.from([0]), integer]))]))
}

function derElement(der: Buffer, start: number, tag: number): {start: number; contentStart: number; end: number} {
  if (der[start] !== tag) throw new Error(`unexpected DER tag ${der[start]} at ${start} (expected ${tag})`)
  const first = der[start + 1] ?? 0
  if (first < 0x80) return {start, contentStart: start + 2, end: start + 2 + first}
  const octets = first & 0x7f
  let length = 0
  for (let i = 0; i < octets; i++) length = length * 256 + (der[start + 2 + i] ?? 0)
  return {start, contentStart: start + 2 + octets, end: start + 2 + octets + length}
}

function derWrap(tag: number, content: Buffer): Buffer {
  const length = content.length
  const header = length < 0x80 ? [tag, length] : length < 0x100 ? [tag, 0x81, length] : [tag, 0x82, length >> 8, length & 0xff]
  return Buffer.concat([Buffer.from(header), content])
}

function aesTransport(key: Buffer): SecretTransport {
  return {
    seal(plaintext) {
      const iv = randomBytes(16)
      const cipher = createCipheriv('aes-128-cbc', key, iv)
      return {parameters: iv, value: Buffer.concat([cipher.update(plaintext), cipher.final()])}
    },
    open(parameters, value) {
      const decipher = createDecipheriv('aes-128-cbc', key, parameters)
      return new Uint8Array(Buffer.concat([decipher.update(value), decipher.final()]))
    },
  }
}
