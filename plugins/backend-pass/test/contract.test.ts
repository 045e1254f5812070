import {keyringContract} from '@vault-aws/cli/plugin-testkit'
import {openKeyring, passFixture} from './support.ts'
import type {PassFixture} from './support.ts'

describe('pass backend against the real pass', function () {
  this.timeout(60_000)
  let fixture: PassFixture | undefined

  before(async function () {
    fixture = await passFixture('contract')
  })

  after(async function () {
    await fixture?.remove()
  })

  function open(settings: Record<string, string>) {
    return () => {
      if (fixture === undefined) throw new Error('the pass fixture was not set up')
      return openKeyring(fixture.env(settings))
    }
  }

  keyringContract('pass backend, entries at the store root (no prefix)', open({}))
  keyringContract('pass backend, entries under a nested prefix', open({AWS_VAULT_PASS_PREFIX: 'aws-vault/team'}))
})
