import {createCipheriv, createDecipheriv, getDiffieHellman, hkdfSync, randomBytes} from 'node:crypto'

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

export function dhOffer(): DhOffer {
  const group = getDiffieHellman('modp2')
  // Left-padded to the prime's length: Node drops leading zero bytes.
  const raw = group.generateKeys()
  const publicKey = Buffer.concat([Buffer.alloc(group.getPrime().length - raw.length), raw])
  return {
    publicKey,
    complete(servicePublicKey) {
      // Node pads the shared secret to the prime's length, as the services do.
      const shared = group.computeSecret(servicePublicKey)
      const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), Buffer.alloc(0), 16))
      return aesTransport(key)
    },
  }
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
