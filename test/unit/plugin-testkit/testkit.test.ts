import {expect} from 'chai'

import {MemoryKeyring} from '../../../src/lib/keyring/memory-keyring.ts'
import {backendContext, itemCodec, keyringContract, promptContext, shareUntilFailure} from '../../../src/lib/plugin-testkit/index.ts'
import {shareUntilFailure as hostShareUntilFailure} from '../../../src/lib/share-until-failure.ts'

// The kit's own suite, run against the host's in-memory keyring: the contract passes a keyring
// that keeps its promises, under mocha, with node:assert. Every open sees the same store.
const memory = new MemoryKeyring()
keyringContract('the host memory keyring', async () => memory)

describe('plugin test kit contexts', () => {
  it('builds a backend context with the host codec, a home that does not exist and no terminal', async () => {
    const ctx = backendContext({env: {AWS_VAULT_FILE_DIR: '/tmp/store'}})
    expect(ctx.env).to.deep.equal({AWS_VAULT_FILE_DIR: '/tmp/store'})
    expect(ctx.homedir).to.equal('/nonexistent-home')
    expect(ctx.items).to.equal(itemCodec)
    expect(ctx.shareUntilFailure).to.equal(hostShareUntilFailure)
    expect(shareUntilFailure).to.equal(hostShareUntilFailure)
    const refusal = await ctx.promptSecret('Passphrase: ').then(
      () => undefined,
      (error: Error) => error.message,
    )
    expect(refusal).to.match(/no terminal/)
    expect(ctx.prompts).to.deep.equal(['Passphrase: '])
  })

  it('answers prompts it was given an answer for, and records debug output', async () => {
    const ctx = backendContext({promptSecret: async (message) => `answer to ${message}`})
    expect(await ctx.promptSecret('Q')).to.equal('answer to Q')
    ctx.debug('opened')
    expect(ctx.debugged).to.deep.equal(['opened'])
  })

  it('finds programs on env.PATH only, as the host does', () => {
    const withPath = backendContext({env: {PATH: process.env.PATH}})
    expect(withPath.findExecutable('sh')).to.match(/\/sh$/)
    expect(backendContext().findExecutable('sh')).to.equal(undefined)
    expect(promptContext({env: {PATH: process.env.PATH}}).findExecutable('sh')).to.match(/\/sh$/)
    expect(promptContext().findExecutable('sh')).to.equal(undefined)
  })
})
