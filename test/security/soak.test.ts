// Concurrency soak: 20 vault processes at a time doing add / exec / clear / remove on overlapping
// profiles against the emulator for a bounded time. No corrupted item, no lost credential, every
// process finishes within its deadline, and no second STS call for a session that was neither
// expired nor invalidated in between.
import {expect} from 'chai'

import {startEmulator, type Call, type Emulator} from '../helpers/emulator.ts'
import {readFileStore} from './support/stores.ts'
import {leaks, registerCredentials, registerSecret} from './support/transcript.ts'
import {World} from './support/world.ts'

const SOAK_SECONDS = Number(process.env.VAULT_SOAK_SECONDS ?? (process.env.CI ? 60 : 20))
const PROCESSES = 20
// A vault process still running after this is deadlocked or hung: it is killed and reported.
const PROCESS_DEADLINE_MS = 90_000

// The fast profile's sessions last 15 minutes and are renewed when less than 14m50s are left:
// each expires, for vault, 10 seconds after it was made.
const FAST_WINDOW_S = 10
const MIN_TTL = '14m50s'

const STABLE = ['s0', 's1', 's2', 's3']
const CHURN = ['c1', 'c2']
const FAST = 'f'
const ROLE = 'r0'

interface Operation {
  worker: number
  args: string[]
  /** Sessions of these profiles are dropped by this operation (when it succeeds). */
  invalidates: string[]
  /** Exit codes this operation may end with. */
  allowed: number[]
  start: number
  end: number
  code: number | null
  stderr: string
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!
}

describe('concurrency soak (built binary, emulator)', function () {
  this.timeout(SOAK_SECONDS * 1000 + PROCESS_DEADLINE_MS + 120_000)
  let aws: Emulator
  let world: World

  before(async function () {
    aws = await startEmulator({roles: [{name: 'soak-role'}], users: [...STABLE, ...CHURN, FAST].map((name) => ({name}))})
    world = new World()
    world.extraEnv.AWS_ENDPOINT_URL = aws.url
    world.extraEnv.AWS_MIN_TTL = MIN_TTL
    const sections = [...STABLE, ...CHURN, FAST].map((name) => `[profile ${name}]\nregion = eu-west-1\n`)
    sections.push(`[profile ${ROLE}]\nregion = eu-west-1\nsource_profile = s0\nrole_arn = ${aws.role('soak-role').arn}\n`)
    world.writeConfig(sections.join('\n'))
    for (const name of [...STABLE, ...CHURN, FAST]) {
      const key = aws.credentials(name)
      registerSecret('long-term secret key', key.secretAccessKey)
      await world.addKey(name, key.accessKeyId, key.secretAccessKey)
    }
  })

  after(async function () {
    await aws?.stop()
    world?.cleanup()
  })

  /** Waits until the fast profile's held session is stale for vault, then asks again: a new session. */
  async function renewFastSession(): Promise<{before: string; after: string}> {
    const fast = async () => {
      const result = await world.run(['exec', FAST, '--json', '--duration', '15m'], {
        credentialsOnStdout: true,
        timeoutMs: PROCESS_DEADLINE_MS,
      })
      expect(result.code, result.stderr).to.equal(0)
      const credentials = JSON.parse(result.stdout) as {
        AccessKeyId: string
        Expiration: string
        SecretAccessKey: string
        SessionToken?: string
      }
      registerCredentials(credentials)
      return credentials
    }
    const held = await fast()
    // Stale once no more than MIN_TTL is left; expiry times are whole seconds, hence the extra second.
    const staleAt = Date.parse(held.Expiration) - (15 * 60 - FAST_WINDOW_S) * 1000 + 1000
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, staleAt - Date.now())))
    return {before: held.AccessKeyId, after: (await fast()).AccessKeyId}
  }

  it(`${PROCESSES} processes at a time for ${SOAK_SECONDS} s: every process finishes, no item corrupt, no credential lost, one STS call per session expiry`, async function () {
    const operations: Operation[] = []
    const hung: string[] = []
    const deadline = Date.now() + SOAK_SECONDS * 1000

    const next = (worker: number): Omit<Operation, 'start' | 'end' | 'code' | 'stderr'> => {
      const roll = Math.random()
      const op = (args: string[], invalidates: string[], allowed = [0]) => ({allowed, args, invalidates, worker})
      if (roll < 0.35) {
        const profile = pick([...STABLE, ...CHURN, FAST, ROLE])
        const flags = profile === FAST ? ['--duration', '15m'] : []
        return op(['exec', profile, '--json', ...flags], [], CHURN.includes(profile) ? [0, 3] : [0])
      }
      if (roll < 0.55) {
        const profile = pick([...STABLE, FAST, ROLE])
        const flags = profile === FAST ? ['--duration', '15m'] : []
        return op(['exec', profile, ...flags, '--', '/bin/sh', '-c', 'test -n "$AWS_SESSION_TOKEN"'], [])
      }
      if (roll < 0.65) {
        const profile = pick([...STABLE, ...CHURN, FAST, ROLE])
        return op(['clear', profile], [profile])
      }
      if (roll < 0.68) return op(['clear'], [...STABLE, ...CHURN, FAST, ROLE])
      if (roll < 0.8) {
        // The same keys again: the item is rewritten under readers, and its sessions dropped.
        const profile = pick([...STABLE, ...CHURN, FAST])
        return op(['add', profile, '--env', '--no-add-config'], [profile])
      }
      return op(['remove', pick(CHURN), '--force'], [], [0, 3])
    }

    const work = async (worker: number) => {
      while (Date.now() < deadline) {
        const planned = next(worker)
        const profile = planned.args[1]!
        const key = planned.args[0] === 'add' ? aws.credentials(profile) : undefined
        const env = key ? {AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey} : {}
        const start = Date.now()
        try {
          const result = await world.run(planned.args, {credentialsOnStdout: true, env, timeoutMs: PROCESS_DEADLINE_MS})
          operations.push({...planned, code: result.code, end: Date.now(), start, stderr: result.stderr})
          if (planned.args.includes('--json') && result.code === 0)
            registerCredentials(JSON.parse(result.stdout) as {SecretAccessKey: string; SessionToken?: string})
        } catch (error) {
          hung.push(`vault ${planned.args.join(' ')}: ${(error as Error).message.split('\n')[0]}`)
        }
      }
    }
    await Promise.all(Array.from({length: PROCESSES}, (_, worker) => work(worker)))

    const summary = `${operations.length} processes (${countBy(operations.map((operation) => operation.args[0]!))}), ${aws.callsOf('GetSessionToken').length} GetSessionToken, ${aws.callsOf('AssumeRole').length} AssumeRole`
    this.test!.title += ` (${summary})`
    expect(hung, 'processes past their deadline').to.deep.equal([])
    const failed = operations.filter((operation) => !operation.allowed.includes(operation.code ?? -1))
    expect(
      failed.map((operation) => `vault ${operation.args.join(' ')} → ${operation.code}: ${operation.stderr.trim()}`).join('\n'),
    ).to.equal('')
    expect(operations.length).to.be.greaterThan(PROCESSES)

    // No item corrupt, no credential lost.
    const store = await readFileStore(world.keysDir, world.passphrase)
    expect([...store.corrupt]).to.deep.equal([])
    for (const name of [...STABLE, FAST]) {
      expect(store.items.get(name)?.AccessKeyID, `the keys of ${name}`).to.equal(aws.credentials(name).accessKeyId)
      expect(store.items.get(name)?.SecretAccessKey).to.equal(aws.credentials(name).secretAccessKey)
    }
    for (const name of CHURN) {
      const held = store.items.get(name)
      if (held) expect(held.AccessKeyID, `the keys of ${name}`).to.equal(aws.credentials(name).accessKeyId)
    }

    // The fast profile's renewal, made certain: how often the soak happened to reach it depends on
    // the machine's load, so after it one session of that profile is let expire and asked for again.
    const renewed = await renewFastSession()
    expect(renewed.before, 'a renewal hands out a new session').to.not.equal(renewed.after)

    // One STS call per session expiry or invalidation.
    const byKey = new Map([...STABLE, ...CHURN, FAST].map((name) => [aws.credentials(name).accessKeyId, name]))
    const calls: Array<{profile: string; at: number}> = [
      ...aws
        .callsOf('GetSessionToken')
        .flatMap((call) => (byKey.has(call.accessKeyId ?? '') ? [{at: at(call), profile: byKey.get(call.accessKeyId!)!}] : [])),
      ...aws.callsOf('AssumeRole').map((call) => ({at: at(call), profile: ROLE})),
    ]
    const problems: string[] = []
    for (const profile of [...STABLE, ...CHURN, FAST, ROLE]) {
      const times = calls
        .filter((call) => call.profile === profile)
        .map((call) => call.at)
        .sort((a, b) => a - b)
      for (let index = 1; index < times.length; index++) {
        const [previous, current] = [times[index - 1]!, times[index]!]
        const invalidated = operations.some(
          (operation) =>
            operation.code === 0 && operation.invalidates.includes(profile) && operation.start < current && operation.end > previous,
        )
        // Expiry times are whole seconds: a session may look stale up to a second early.
        const expired = profile === FAST && current - previous >= (FAST_WINDOW_S - 1.5) * 1000
        if (!invalidated && !expired)
          problems.push(
            `${profile}: STS calls at +${previous - times[0]!} ms and +${current - times[0]!} ms with no expiry or invalidation between`,
          )
      }
    }
    expect(problems.join('\n'), summary).to.equal('')
    expect(calls.filter((call) => call.profile === FAST).length, 'the fast profile renewed its session').to.be.greaterThan(1)
  })

  it('everything vault printed in this file holds none of the test secrets', function () {
    expect(leaks().join('\n')).to.equal('')
  })
})

function at(call: Call): number {
  return call.at.getTime()
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts].map(([value, count]) => `${count} ${value}`).join(', ')
}
