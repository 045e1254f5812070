import {expect} from 'chai'

import {checkKnownProfile, closestName, editDistance} from '../../../src/lib/config/unknown-profile.ts'
import {VaultError} from '../../../src/lib/errors.ts'

describe('a mistyped profile name', () => {
  it('edit distance counts a swap of neighbours as one edit', () => {
    expect(editDistance('work', 'wrok')).to.equal(1)
    expect(editDistance('work', 'work')).to.equal(0)
    expect(editDistance('prod', 'staging')).to.be.greaterThan(3)
  })

  it('the closest known name, only when near enough', () => {
    expect(closestName('wrok', ['work', 'work-mfa', 'prod'])).to.equal('work')
    expect(closestName('PROD', ['work', 'prod'])).to.equal('prod')
    expect(closestName('production-admin', ['work', 'prod'])).to.equal(undefined)
  })

  it('refuses a name with no config section and no stored keys, naming the closest', () => {
    let error: unknown
    try {
      checkKnownProfile('wrok', ['default', 'work'], ['orphan'], '/h/.aws/config')
    } catch (caught) {
      error = caught
    }
    expect(error instanceof VaultError && error.code).to.equal('PROFILE_NOT_FOUND')
    expect((error as Error).message).to.equal('profile "wrok" is not in /h/.aws/config and has no stored keys')
    expect(error instanceof VaultError && error.suggestions[0]).to.equal('did you mean "work"?')
  })

  it('accepts a config section, and stored keys without a section', () => {
    expect(() => checkKnownProfile('work', ['work'], [], '/c')).to.not.throw()
    expect(() => checkKnownProfile('orphan', ['work'], ['orphan'], '/c')).to.not.throw()
  })
})
