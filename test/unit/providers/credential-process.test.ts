import {expect} from 'chai'

import {VaultError} from '../../../src/lib/errors.ts'
import {parseCredentialProcessOutput} from '../../../src/lib/providers/sources/credential-process.ts'

const parse = (output: unknown) =>
  parseCredentialProcessOutput(typeof output === 'string' ? output : JSON.stringify(output), 'credential_process of profile "p"')

function refusal(output: unknown): string {
  try {
    parse(output)
  } catch (error) {
    expect(error instanceof VaultError).to.equal(true)
    return (error as Error).message
  }
  return expect.fail('expected a refusal')
}

describe('credential_process output (the AWS specification, not aws-vault #1182)', () => {
  it('takes temporary credentials with an expiry', () => {
    expect(
      parse({AccessKeyId: 'ASIA1', Expiration: '2030-01-01T00:00:00Z', SecretAccessKey: 's', SessionToken: 't', Version: 1}),
    ).to.deep.equal({
      accessKeyId: 'ASIA1',
      expiration: new Date('2030-01-01T00:00:00Z'),
      secretAccessKey: 's',
      sessionToken: 't',
    })
  })

  it('takes long-term keys: no SessionToken, no Expiration', () => {
    expect(parse({AccessKeyId: 'AKIA1', SecretAccessKey: 's', Version: 1})).to.deep.equal({accessKeyId: 'AKIA1', secretAccessKey: 's'})
  })

  it('takes any ISO 8601 time: offsets and fractions', () => {
    expect(
      parse({AccessKeyId: 'A', Expiration: '2030-01-01T02:00:00.123+02:00', SecretAccessKey: 's', Version: 1}).expiration?.toISOString(),
    ).to.equal('2030-01-01T00:00:00.123Z')
  })

  it('ignores fields it does not know (AccountId and later ones) and empty optional ones', () => {
    expect(
      parse({AccessKeyId: 'A', AccountId: '123456789012', Expiration: '', SecretAccessKey: 's', SessionToken: '', Version: 1}),
    ).to.deep.equal({accessKeyId: 'A', secretAccessKey: 's'})
  })

  it('refuses what the specification does not allow, saying why', () => {
    expect(refusal('not json')).to.match(/its output is not JSON$/)
    expect(refusal([1])).to.match(/not a JSON object$/)
    expect(refusal({AccessKeyId: 'A', SecretAccessKey: 's'})).to.match(/"Version" must be 1, not undefined$/)
    expect(refusal({SecretAccessKey: 's', Version: 1})).to.match(/"AccessKeyId" is missing$/)
    expect(refusal({AccessKeyId: 'A', Version: 1})).to.match(/"SecretAccessKey" is missing$/)
    expect(refusal({AccessKeyId: 'A', Expiration: 'tomorrow', SecretAccessKey: 's', Version: 1})).to.match(
      /"Expiration" is not an ISO 8601 time$/,
    )
  })

  it('never puts the secret in its messages', () => {
    expect(refusal({AccessKeyId: 'A', Expiration: 'x', SecretAccessKey: 'TOP-SECRET', Version: 1})).not.to.include('TOP-SECRET')
  })
})
