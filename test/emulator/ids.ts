// Identifiers shaped like AWS's: 20-character access key ids, 21-character unique ids, opaque tokens.
import {randomBytes, randomInt, randomUUID} from 'node:crypto'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

const randomChars = (alphabet: string, length: number): string => Array.from({length}, () => alphabet[randomInt(alphabet.length)]).join('')

export const newAccessKeyId = (temporary: boolean): string => (temporary ? 'ASIA' : 'AKIA') + randomChars(BASE32, 16)

export const newSecretAccessKey = (): string => randomBytes(30).toString('base64')

export const newUniqueId = (prefix: 'AIDA' | 'AROA'): string => prefix + randomChars(BASE32, 17)

export const newSessionToken = (): string => randomBytes(240).toString('base64')

export const newOpaqueToken = (bytes = 48): string => randomBytes(bytes).toString('base64url')

export const newRequestId = (): string => randomUUID()

export const newHex = (length: number): string =>
  randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length)

export const newUserCode = (): string => `${randomChars('BCDFGHJKLMNPQRSTVWXZ', 4)}-${randomChars('BCDFGHJKLMNPQRSTVWXZ', 4)}`
