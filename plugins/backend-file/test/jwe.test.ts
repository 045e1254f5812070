import {randomBytes} from 'node:crypto'

import {expect} from 'chai'
import fc from 'fast-check'
import {CompactEncrypt, compactDecrypt, errors} from 'jose'

import {decrypt, encrypt} from '../src/jwe.ts'
import {decoder, encoder} from './support.ts'

const KEY_WRAPS = ['PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW'] as const
const GCM = ['A128GCM', 'A192GCM', 'A256GCM'] as const

interface TokenSpec {
  alg: string
  enc: string
  iterations: number
  salt: Uint8Array
  passphrase: string
  plaintext: Uint8Array
  extraHeader?: Record<string, unknown>
}

function makeToken(spec: TokenSpec): Promise<string> {
  return new CompactEncrypt(spec.plaintext)
    .setProtectedHeader({alg: spec.alg, enc: spec.enc, ...spec.extraHeader})
    .setKeyManagementParameters({p2c: spec.iterations, p2s: spec.salt})
    .encrypt(encoder.encode(spec.passphrase))
}

/** What the backend answered before it read items itself: jose's verdict, in the backend's codes. */
async function joseVerdict(token: string, passphrase: string): Promise<string> {
  try {
    const {plaintext} = await compactDecrypt(token.trim(), encoder.encode(passphrase), {
      keyManagementAlgorithms: [...KEY_WRAPS],
      maxPBES2Count: 310_000,
    })
    return `plaintext ${Buffer.from(plaintext).toString('hex')}`
  } catch (error) {
    if (error instanceof errors.JWEDecryptionFailed) return 'BAD_PASSPHRASE'
    if (error instanceof errors.JOSEError || error instanceof TypeError) return 'BACKEND_CORRUPT'
    return `thrown ${String(error)}`
  }
}

async function backendVerdict(token: string, passphrase: string): Promise<string> {
  try {
    return `plaintext ${Buffer.from(await decrypt(token, passphrase, '/store/item')).toString('hex')}`
  } catch (error) {
    const code = (error as {code?: unknown}).code
    return typeof code === 'string' ? code : `thrown ${String(error)}`
  }
}

const tokenSpec = fc.record({
  alg: fc.constantFrom(...KEY_WRAPS),
  enc: fc.constantFrom(...GCM),
  iterations: fc.integer({max: 3000, min: 1}),
  passphrase: fc.string({maxLength: 24}),
  plaintext: fc.uint8Array({maxLength: 300}),
  salt: fc.uint8Array({maxLength: 32, minLength: 8}),
})

/** The token with one base64url character of one part changed. */
function tampered(token: string, part: number, position: number): string {
  const parts = token.split('.')
  const text = parts[part] as string
  if (text.length === 0) return token
  const index = position % text.length
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const replacement = alphabet[(alphabet.indexOf(text[index] as string) + 1) % alphabet.length] as string
  parts[part] = text.slice(0, index) + replacement + text.slice(index + 1)
  return parts.join('.')
}

describe('file backend: reading JWE items', function () {
  this.timeout(60_000)

  it('reads every PBES2 key wrap with AES-GCM content as jose does', async function () {
    await fc.assert(
      fc.asyncProperty(tokenSpec, async (spec) => {
        const token = await makeToken(spec)
        expect(Buffer.from(await decrypt(token, spec.passphrase, '/store/item'))).to.deep.equal(Buffer.from(spec.plaintext))
      }),
      {numRuns: 60},
    )
  })

  it('refuses a wrong passphrase with BAD_PASSPHRASE, naming the file and not the passphrase', async function () {
    await fc.assert(
      fc.asyncProperty(tokenSpec, fc.string({maxLength: 24}), async (spec, wrong) => {
        fc.pre(wrong !== spec.passphrase)
        const token = await makeToken(spec)
        const error = await decrypt(token, wrong, '/store/item').then(
          () => expect.fail('a wrong passphrase decrypted the item'),
          (thrown: unknown) => thrown as Error & {code?: string},
        )
        expect(error.code).to.equal('BAD_PASSPHRASE')
        expect(error.message).to.contain('/store/item')
      }),
      {numRuns: 40},
    )
    const token = await encrypt(encoder.encode('{}'), 'the right one')
    const error = await decrypt(token, 'Sup3r-Secret!', '/store/item').catch((thrown: unknown) => thrown as Error)
    expect(String(error)).not.to.contain('Sup3r-Secret!')
  })

  it('answers a tampered item as jose does: the same plaintext, BAD_PASSPHRASE or BACKEND_CORRUPT', async function () {
    await fc.assert(
      fc.asyncProperty(tokenSpec, fc.integer({max: 4, min: 0}), fc.nat(), async (spec, part, position) => {
        const token = tampered(await makeToken(spec), part, position)
        expect(await backendVerdict(token, spec.passphrase)).to.equal(await joseVerdict(token, spec.passphrase))
      }),
      {numRuns: 150},
    )
  })

  it('answers unusual headers and parts as jose does', async function () {
    const passphrase = 'pass'
    const plaintext = encoder.encode('{"Key":"k"}')
    const base = {alg: 'PBES2-HS256+A128KW', enc: 'A256GCM', iterations: 50, passphrase, plaintext, salt: randomBytes(12)}
    const header = (token: string, change: (fields: Record<string, unknown>) => void): string => {
      const [encoded, ...rest] = token.split('.')
      const fields = JSON.parse(Buffer.from(encoded as string, 'base64url').toString('utf8')) as Record<string, unknown>
      change(fields)
      return [Buffer.from(JSON.stringify(fields)).toString('base64url'), ...rest].join('.')
    }
    const good = await makeToken(base)
    const cases: Record<string, string> = {
      'CBC-HMAC content': await makeToken({...base, enc: 'A128CBC-HS256'}),
      'a short salt': header(good, (fields) => (fields.p2s = Buffer.alloc(4).toString('base64url'))),
      'too many iterations': header(good, (fields) => (fields.p2c = 310_001)),
      'a fractional iteration count': header(good, (fields) => (fields.p2c = 50.5)),
      'iterations as a string': header(good, (fields) => (fields.p2c = '50')),
      'a crit header': header(good, (fields) => Object.assign(fields, {crit: ['x'], x: 1})),
      'a zip header': header(good, (fields) => (fields.zip = 'DEF')),
      'another key management': header(good, (fields) => (fields.alg = 'dir')),
      'an unknown content encryption': header(good, (fields) => (fields.enc = 'A512GCM')),
      'a header that is an array': ['WyJhIl0', ...good.split('.').slice(1)].join('.'),
      'a header that is not JSON': ['bm90IGpzb24', ...good.split('.').slice(1)].join('.'),
      'four parts': good.split('.').slice(0, 4).join('.'),
      'a part with a padding character': `${good}=`,
      'a part of impossible length': good.replace(/\.([^.]*)$/, '.$1A'),
      'an empty tag': good.replace(/\.[^.]*$/, '.'),
      'surrounding whitespace': `\n ${good} \n`,
      'a created header, as aws-vault writes': await makeToken({...base, extraHeader: {created: '2024-03-05 10:11:12 +0000 UTC'}}),
    }
    for (const [what, token] of Object.entries(cases)) {
      expect(await backendVerdict(token, passphrase), what).to.equal(await joseVerdict(token, passphrase))
    }
    expect(await backendVerdict(cases['CBC-HMAC content'] as string, passphrase)).to.match(/^plaintext /)
  })

  it('reads back what it writes, with aws-vault parameters', async function () {
    const token = await encrypt(encoder.encode('{"Key":"work"}'), 'pass', new Date(Date.UTC(2024, 2, 5, 10, 11, 12)))
    const fields = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as Record<string, unknown>
    expect(fields).to.include({alg: 'PBES2-HS256+A128KW', created: '2024-03-05 10:11:12 +0000 UTC', enc: 'A256GCM', p2c: 8192})
    expect(decoder.decode(await decrypt(token, 'pass', '/store/work'))).to.equal('{"Key":"work"}')
  })
})
