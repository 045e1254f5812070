import {expect} from 'chai'

import {shareUntilFailure} from '../../src/lib/share-until-failure.ts'

describe('shareUntilFailure', () => {
  it('starts the work once and hands every caller, concurrent or later, the same result', async () => {
    const started: string[] = []
    const shared = shareUntilFailure(async (name: string) => {
      started.push(name)
      return `hello ${name}`
    })
    expect(await Promise.all([shared('first'), shared('second')])).to.deep.equal(['hello first', 'hello first'])
    expect(await shared('third')).to.equal('hello first')
    expect(started).to.deep.equal(['first'])
  })

  it('forgets a failure: the next call starts the work again', async () => {
    let attempts = 0
    const shared = shareUntilFailure(async () => {
      attempts++
      if (attempts === 1) throw new Error('not yet')
      return attempts
    })
    const [a, b] = await Promise.allSettled([shared(), shared()])
    expect(a.status === 'rejected' && (a.reason as Error).message).to.equal('not yet')
    expect(b.status === 'rejected' && (b.reason as Error).message).to.equal('not yet')
    expect(await shared()).to.equal(2)
    expect(await shared()).to.equal(2)
    expect(attempts).to.equal(2)
  })
})
