import {expect} from 'chai'
import fc from 'fast-check'

import {DEFAULT_MIN_TTL_SECONDS, durationFromEnv, flagDuration, minTtlSeconds, parseGoDuration} from '../../../src/lib/config/index.ts'
import {VaultError} from '../../../src/lib/errors.ts'

describe('parseGoDuration', () => {
  const good: Array<[string, number]> = [
    ['0', 0],
    ['-0', 0],
    ['1h', 3600],
    ['90m', 5400],
    ['3600s', 3600],
    ['1h30m', 5400],
    ['1h30m15s', 5415],
    ['1.5h', 5400],
    ['.5m', 30],
    ['1.m', 60],
    ['+2h', 7200],
    ['-5m', -300],
    ['1500ms', 1.5],
    ['2000000us', 2],
    ['3000000µs', 3],
    ['4000000μs', 4],
    ['5000000000ns', 5],
    ['0s', 0],
    ['36h', 129600],
  ]
  for (const [text, seconds] of good) {
    it(`"${text}" is ${seconds}s`, () => {
      expect(parseGoDuration(text)).to.be.closeTo(seconds, 1e-9)
    })
  }

  const bad: Array<[string, RegExp]> = [
    ['', /invalid duration/],
    ['3600', /missing unit/],
    ['1', /missing unit/],
    ['1h30', /missing unit/],
    ['h', /invalid duration/],
    ['.s', /invalid duration/],
    ['1d', /unknown unit "d"/],
    ['1H', /unknown unit "H"/],
    ['1h 30m', /unknown unit "h "/],
    [' 1h', /invalid duration/],
    ['1h-30m', /unknown unit "h-"/],
    ['-', /invalid duration/],
    ['1e3s', /unknown unit "e"/],
    ['9999999999999h', /invalid duration/],
  ]
  for (const [text, message] of bad) {
    it(`"${text}" is rejected`, () => {
      expect(() => parseGoDuration(text)).to.throw(SyntaxError, message)
    })
  }

  it('adds up any sequence of whole-number parts', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(1000), (hours, minutes, seconds) => {
        expect(parseGoDuration(`${hours}h${minutes}m${seconds}s`)).to.equal(hours * 3600 + minutes * 60 + seconds)
      }),
    )
  })
})

describe('durationFromEnv and minTtlSeconds', () => {
  const rows: Array<{title: string; env: Record<string, string | undefined>; ttl?: number; minTtl?: number; error?: RegExp}> = [
    {title: 'unset', env: {}, ttl: undefined, minTtl: DEFAULT_MIN_TTL_SECONDS},
    {title: 'empty', env: {X: '', AWS_MIN_TTL: ''}, ttl: undefined, minTtl: 300},
    {title: 'whole seconds', env: {X: '20m', AWS_MIN_TTL: '20m'}, ttl: 1200, minTtl: 1200},
    {title: 'fractions are truncated, as aws-vault converts to seconds', env: {X: '90.9s', AWS_MIN_TTL: '90.9s'}, ttl: 90, minTtl: 90},
    {title: 'zero falls through for a TTL but is kept for AWS_MIN_TTL', env: {X: '0', AWS_MIN_TTL: '0'}, ttl: undefined, minTtl: 0},
    {title: 'a plain number is CONFIG_INVALID', env: {X: '72000', AWS_MIN_TTL: '72000'}, error: /=72000 is not a duration: missing unit/},
    {title: 'a negative value is CONFIG_INVALID', env: {X: '-1m', AWS_MIN_TTL: '-1m'}, error: /=-1m is negative/},
  ]
  for (const row of rows) {
    it(row.title, () => {
      if (row.error) {
        for (const [name, call] of [
          ['X', () => durationFromEnv(row.env, 'X')],
          ['AWS_MIN_TTL', () => minTtlSeconds(row.env)],
        ] as const) {
          try {
            call()
            expect.fail('should throw')
          } catch (error) {
            expect(error instanceof VaultError && error.code).to.equal('CONFIG_INVALID')
            expect((error as Error).message)
              .to.match(row.error)
              .and.to.match(new RegExp(`^${name}=`))
          }
        }
        return
      }
      expect(durationFromEnv(row.env, 'X')).to.equal(row.ttl)
      expect(minTtlSeconds(row.env)).to.equal(row.minTtl)
    })
  }
})

describe('flagDuration', () => {
  it('reads a Go duration given to a flag', () => {
    expect(flagDuration('duration', '1h30m')).to.equal(5400)
    expect(flagDuration('wait', '2m', '30s or 2m')).to.equal(120)
  })

  it('refuses anything else in one usage line naming the flag, with examples of what it takes', () => {
    let refused: unknown
    try {
      flagDuration('wait', '3600', '30s or 2m')
    } catch (error) {
      refused = error
    }
    expect(refused instanceof VaultError && refused.code).to.equal('USAGE')
    expect((refused as VaultError).message).to.equal('--wait "3600" is not a duration')
    expect((refused as VaultError).suggestions).to.deep.equal(['use a Go-style duration such as 30s or 2m'])
  })
})
