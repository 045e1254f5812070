// Bad input: random, garbage, huge and cyclic ~/.aws/config files through the parser, profile
// resolution and the config writer end in a VaultError or a result, never in another exception
// or a hang. The fuzzing runs in a worker thread that is stopped at a deadline.
import {expect} from 'chai'
import {Worker} from 'node:worker_threads'

import type {FuzzProgress, FuzzReport, FuzzRequest} from './support/fuzz-config-worker.ts'

const RUNS = Number(process.env.VAULT_FUZZ_RUNS ?? 2000)
const DEADLINE_MS = Number(process.env.VAULT_FUZZ_DEADLINE_MS ?? 50_000)

function fuzzInWorker(request: FuzzRequest): Promise<FuzzReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./support/fuzz-config-worker.ts', import.meta.url), {workerData: request})
    let doing = 'starting'
    const timer = setTimeout(() => {
      void worker.terminate()
      reject(new Error(`the fuzzing (seed ${request.seed}) did not finish within ${DEADLINE_MS} ms: it hung on ${doing}`))
    }, DEADLINE_MS)
    worker.on('message', (message: FuzzReport | FuzzProgress) => {
      if ('progress' in message) {
        doing = message.progress
        return
      }
      clearTimeout(timer)
      void worker.terminate()
      resolve(message)
    })
    worker.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

describe('bad input: the config parser and profile resolution', function () {
  this.timeout(DEADLINE_MS + 10_000)

  it('random sections, keys, includes, cycles, huge files and binary garbage give only VaultErrors, never another exception or a hang', async function () {
    const seed = Number(process.env.VAULT_FUZZ_SEED ?? Date.now() % 2 ** 31)
    const report = await fuzzInWorker({runs: RUNS, seed})
    const total = Object.values(report.cases).reduce((sum, count) => sum + count, 0)
    this.test!.title += ` (${total} cases, seed ${seed}: ${Object.entries(report.cases)
      .map(([label, count]) => `${count} ${label}`)
      .join(', ')})`
    expect(report.failures.join('\n\n')).to.equal('')
    expect(total).to.be.greaterThan(RUNS * 2)
  })
})
