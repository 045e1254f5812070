// Shared by the server e2e tests: `vault exec --ecs-server/--ec2-server` around a child the test controls.
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {once} from 'node:events'

import {expect} from 'chai'

import {vaultBin} from '../helpers/cli.ts'
import type {ChainWorld} from './chain-helpers.ts'
import {parseEnv} from './chain-helpers.ts'
import {patient} from '../helpers/patience.ts'

export const READY = '--child-ready--'

/** What the SDK's container and instance-metadata providers hand back. */
export interface SdkCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

/**
 * A child that prints its environment, then waits for a line on stdin and exits with it as
 * its code: the test talks to the server meanwhile, then ends the run.
 */
const waitingChild = `env; echo ${READY}; read code; exit "$code"`

export interface Ended {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export class ServedRun {
  readonly child: ChildProcessWithoutNullStreams
  env: Record<string, string> = {}
  stdout = ''
  stderr = ''
  private readonly closed: Promise<Ended>

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child
    child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()))
    this.closed = once(child, 'close').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      stderr: this.stderr,
      stdout: this.stdout,
    }))
  }

  /** Starts `vault exec <profile> <flags> -- sh -c <waiting child>` and waits until the child runs. */
  static async start(
    world: ChainWorld,
    profile: string,
    flags: string[],
    env: Record<string, string | undefined> = {},
    script = waitingChild,
  ): Promise<ServedRun> {
    const child = spawn(process.execPath, [vaultBin, 'exec', profile, ...flags, '--', 'sh', '-c', script], {
      cwd: world.sandbox.home,
      env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url, ...env}),
    })
    const run = new ServedRun(child)
    // Only a hang detector: a loaded machine may take many seconds to start vault and fetch credentials.
    const deadline = Date.now() + patient(60_000)
    while (!run.stdout.includes(READY)) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`vault exec ended before the child was ready: ${run.stderr}`)
      if (Date.now() > deadline) throw new Error(`the child did not start: ${run.stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    run.env = parseEnv(run.stdout.slice(0, run.stdout.indexOf(READY)))
    return run
  }

  /** Lets the child exit with this code and waits for vault to end. */
  finish(code = 0): Promise<Ended> {
    this.child.stdin.end(`${code}\n`)
    return this.closed
  }

  ended(): Promise<Ended> {
    return this.closed
  }
}

/**
 * How many times the server fetched credentials, from its --debug lines. How often a refresh is due
 * depends on how fast the machine runs the clients; that each fetch costs exactly one STS call does not.
 */
export function credentialFetches(stderr: string): number {
  return stderr.split('\n').filter((line) => line.includes('fetching the credentials of')).length
}

/**
 * 15-minute sessions served while more than 14m52s are left: each is replaced 8 s after it was made,
 * so a test sees several refreshes without sleeping for minutes.
 */
export const REFRESH_WINDOW = {minTtl: '14m52s', seconds: 8}

/** Resolves once vault's server no longer hands out these credentials (whole-second expiry: one more second). */
export function untilStale(credentials: SdkCredentials): Promise<void> {
  const staleAt = credentials.expiration!.getTime() - (15 * 60 - REFRESH_WINDOW.seconds) * 1000 + 1000
  return sleep(Math.max(0, staleAt - Date.now()))
}

/**
 * Ten clients asking at once when the held credentials are stale: they share what one refresh
 * fetched. Only a burst that outlasts the refresh window may see a second refresh, and each
 * refresh is one STS call serving one set of credentials.
 */
export async function burstAtExpiry(world: ChainWorld, fetch: () => Promise<SdkCredentials>): Promise<SdkCredentials> {
  const callsBefore = world.aws.callsOf('GetSessionToken').length
  const sentAt = Date.now()
  const burst = await Promise.all(Array.from({length: 10}, fetch))
  const elapsedMs = Date.now() - sentAt
  const calls = world.aws.callsOf('GetSessionToken').length - callsBefore
  expect(calls, 'STS calls for one burst').to.be.within(1, 1 + Math.floor(elapsedMs / (REFRESH_WINDOW.seconds * 1000)))
  expect(new Set(burst.map((credentials) => credentials.accessKeyId)).size, 'one set of credentials per refresh').to.equal(calls)
  const minTtlMs = (15 * 60 - REFRESH_WINDOW.seconds) * 1000
  for (const credentials of burst) expect(credentials.expiration!.getTime() - sentAt).to.be.greaterThan(minTtlMs)
  return burst[0]!
}

/** A clean environment for the real AWS CLI: nothing of the machine's AWS setup. */
export function awsCliEnv(home: string, extra: Record<string, string>): Record<string, string> {
  return {AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', HOME: home, PATH: '/usr/bin:/bin', ...extra}
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
