import {expect} from 'chai'

import {nearestCommand, notFoundLine} from '../../../src/lib/help/not-found.ts'

const IDS = ['add', 'exec', 'export', 'help', 'list', 'ls', 'login', 'plugins', 'plugins:install', 'plugins:uninstall', 'remove']

describe('a mistyped command', function () {
  it('is matched to the command nearest by edit distance, a swap of two letters counting as one', function () {
    expect(nearestCommand('lst', [], IDS)).to.deep.equal({argv: [], id: 'list'})
    expect(nearestCommand('exce', ['--json'], IDS)).to.deep.equal({argv: ['--json'], id: 'exec'})
    expect(nearestCommand('REMOVE', [], IDS)).to.deep.equal({argv: [], id: 'remove'})
  })

  it('takes the typed words after the command as its arguments, and prefers the command of more words', function () {
    expect(nearestCommand('exce:work', ['--json'], IDS)).to.deep.equal({argv: ['work', '--json'], id: 'exec'})
    expect(nearestCommand('plugins:instal:foo', [], IDS)).to.deep.equal({argv: ['foo'], id: 'plugins:install'})
  })

  it('offers nothing for a word too far from every command', function () {
    expect(nearestCommand('frobnicate', [], IDS)).to.equal(undefined)
    expect(nearestCommand('x', [], ['exec', 'list'])).to.equal(undefined)
  })

  it('is said in one line, with the command meant when there is one', function () {
    expect(notFoundLine('vault', 'lst', 'list')).to.equal(
      'vault: lst is not a vault command; did you mean "vault list"? (`vault help` lists the commands)',
    )
    expect(notFoundLine('vault', 'frobnicate', undefined)).to.equal(
      'vault: frobnicate is not a vault command (`vault help` lists the commands)',
    )
  })
})
