import {expect} from 'chai'

import {normaliseMfaCode} from '../../../src/lib/prompt/mfa-code.ts'
import {mfaPromptMessage} from '../../../src/lib/prompt/message.ts'

describe('MFA codes', () => {
  it('accepts six digits, with spaces anywhere', () => {
    expect(normaliseMfaCode('123456')).to.equal('123456')
    expect(normaliseMfaCode(' 123 456 ')).to.equal('123456')
    expect(normaliseMfaCode('012345\n')).to.equal('012345')
  })

  it('refuses anything else', () => {
    for (const text of ['', '12345', '1234567', '12345a', 'abcdef', '１２３４５６', '12-456']) {
      expect(normaliseMfaCode(text), JSON.stringify(text)).to.equal(undefined)
    }
  })

  it("asks in aws-vault v7's words", () => {
    expect(mfaPromptMessage('arn:aws:iam::111111111111:mfa/jo')).to.equal('Enter MFA code for arn:aws:iam::111111111111:mfa/jo: ')
  })
})
