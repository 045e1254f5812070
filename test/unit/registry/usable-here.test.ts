import {expect} from 'chai'

import {usableHere} from '../../../src/lib/registry/usable-here.ts'

describe('usableHere', () => {
  it("passes a component's own answer through", async () => {
    expect(await usableHere({isAvailable: () => ({available: false, reason: 'no daemon'})}, {})).to.deep.equal({
      available: false,
      reason: 'no daemon',
    })
    expect(await usableHere({isAvailable: async () => ({available: true})}, {})).to.deep.equal({available: true})
  })

  it('reads a check that throws or rejects as not usable, with its message as the reason', async () => {
    const thrown = await usableHere(
      {
        isAvailable: () => {
          throw new Error('plugin bug')
        },
      },
      {},
    )
    expect(thrown).to.deep.equal({available: false, reason: 'plugin bug'})
    expect(await usableHere({isAvailable: () => Promise.reject('gone')}, {})).to.deep.equal({available: false, reason: 'gone'})
  })
})
