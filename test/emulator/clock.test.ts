import {expect} from 'chai'

import {Clock} from './clock.ts'

describe('emulator clock', () => {
  it('once frozen, reads the same until advanced, then moves by exactly the advance', async () => {
    const clock = new Clock()
    clock.advance(3600)
    clock.freeze()
    const frozen = clock.now()
    expect(frozen - Date.now()).to.be.at.least(3_599_000)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(clock.now()).to.equal(frozen)
    clock.advance(30)
    expect(clock.now()).to.equal(frozen + 30_000)
  })
})
