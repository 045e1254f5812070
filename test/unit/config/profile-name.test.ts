import {expect} from 'chai'

import {checkProfileName} from '../../../src/lib/config/profile-name.ts'
import {VaultError} from '../../../src/lib/errors.ts'
import {printable} from '../../../src/lib/printable.ts'
import {isPathLike} from '../../../src/hooks/plugin-paths.ts'

describe('names vault must not trust', function () {
  it('refuses a profile name the config cannot hold, in one line', function () {
    for (const name of [
      '',
      ' a',
      'a ',
      'a]b',
      'a\nb',
      'a\rb',
      'tab\tname',
      'bell\u0007',
      'rtl\u202eoverride',
      'vault-migrate-probe-0123456789ab',
    ]) {
      let refused: unknown
      try {
        checkProfileName(name)
      } catch (error) {
        refused = error
      }
      expect(refused instanceof VaultError && refused.code, JSON.stringify(name)).to.equal('USAGE')
      expect((refused as Error).message, JSON.stringify(name)).not.to.match(/[\r\n]/)
    }
    for (const name of ['work', 'team/prod', 'ünïcode', 'a.b-c_d', 'with space']) expect(() => checkProfileName(name), name).not.to.throw()
  })

  it('prints a plain name as it is and any other quoted on one line', function () {
    expect(printable('work')).to.equal('work')
    expect(printable('with space')).to.equal('with space')
    expect(printable('two\nlines')).to.equal('"two\\nlines"')
    expect(printable('esc\u001b[2J"q"\\')).to.equal('"esc\\u001b[2J\\"q\\"\\\\"')
    expect(printable('rtl\u202e')).to.equal('"rtl\\u202e"')
  })

  it('tells a path from a package name for vault plugins install', function () {
    for (const path of ['.', '..', './x', '../x', '/abs/x', '~/x', '~', 'file:x', 'C:\\x', '.\\x'])
      expect(isPathLike(path), path).to.equal(true)
    for (const name of ['prompt-gui', '@scope/plugin', 'user/repo', 'plugin@1.2.3', 'https://example.invalid/x.tgz'])
      expect(isPathLike(name), name).to.equal(false)
  })
})
