// How long a test may wait before it is called hung. Every timeout in the suite is a hang detector, not a
// speed check: on a loaded machine (both cores busy with something else) everything takes several times
// longer, so each one is stretched by VAULT_TEST_PATIENCE (default 3). Loaded by .mocharc.json, it also
// stretches mocha's per-suite and per-test timeouts.
import Mocha from 'mocha'

const factor = Number(process.env.VAULT_TEST_PATIENCE ?? 3)
if (!(factor > 0)) throw new Error(`VAULT_TEST_PATIENCE must be a positive number, not ${JSON.stringify(process.env.VAULT_TEST_PATIENCE)}`)

/** A wait of `ms` on a quiet machine, stretched for a loaded one. */
export const patient = (ms: number): number => Math.round(ms * factor)

type Timeout = (ms?: number | string) => unknown
const stretch = (original: Timeout): Timeout =>
  function (this: unknown, ...args: [ms?: number | string]) {
    // Called without an argument it reads the timeout: mocha tells the two apart by the argument count.
    if (args.length === 0) return original.call(this)
    const [ms] = args
    return original.call(this, typeof ms === 'number' && ms > 0 ? patient(ms) : ms)
  }

// Suites hand their timeout to each test and hook through Runnable#timeout, and a test's own
// this.timeout() goes there too: stretching it there stretches every value exactly once.
const runnable = Mocha.Runnable.prototype as unknown as {timeout: Timeout}
runnable.timeout = stretch(runnable.timeout)
