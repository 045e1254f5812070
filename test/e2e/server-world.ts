// Shared by the server e2e tests: `vault exec --ecs-server/--ec2-server` around a child the test controls.
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {once} from 'node:events'

import {vaultBin} from '../helpers/cli.ts'
import type {ChainWorld} from './chain-helpers.ts'
import {parseEnv} from './chain-helpers.ts'

export const READY = '--child-ready--'

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
    const deadline = Date.now() + 20_000
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

/** A clean environment for the real AWS CLI: nothing of the machine's AWS setup. */
export function awsCliEnv(home: string, extra: Record<string, string>): Record<string, string> {
  return {AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', HOME: home, PATH: '/usr/bin:/bin', ...extra}
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
