import {expect} from 'chai'

import {formatDuration} from '../../../src/lib/output/duration.ts'

describe('formatDuration', () => {
  it('prints seconds as Go prints a time.Duration, the way aws-vault shows them', () => {
    const cases: Array<[number, string]> = [
      [0, '0s'],
      [59, '59s'],
      [60, '1m0s'],
      [3599, '59m59s'],
      [3600, '1h0m0s'],
      [3605, '1h0m5s'],
      [129600, '36h0m0s'],
      [-123, '-2m3s'],
    ]
    for (const [seconds, printed] of cases) expect(formatDuration(seconds), String(seconds)).to.equal(printed)
  })
})
