// Shared by the chain, describe, clear and concurrency tests: a sandbox wired to an emulator.
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {expect} from 'chai'

import {Sandbox, type RunResult} from '../helpers/cli.ts'
import {startEmulator, type Emulator, type Seed} from '../helpers/emulator.ts'

export interface ProcessCredentials {
  Version: number
  AccessKeyId: string
  SecretAccessKey: string
  SessionToken?: string
  Expiration?: string
}

/** An STS call as the tests compare them: what was asked and with which kind of credentials. */
export interface StsCallSummary {
  action: string
  by: string
  params: Record<string, string>
}

const shownParams = ['DurationSeconds', 'SerialNumber', 'RoleArn', 'RoleSessionName', 'ExternalId']

export class ChainWorld {
  readonly aws: Emulator
  readonly sandbox = new Sandbox()

  private constructor(aws: Emulator) {
    this.aws = aws
  }

  static async start(seed: Seed, config: (aws: Emulator) => string, keys: string[] = []): Promise<ChainWorld> {
    const world = new ChainWorld(await startEmulator(seed))
    world.sandbox.writeConfig(config(world.aws))
    for (const user of keys) {
      const key = world.aws.credentials(user)
      await world.sandbox.addKey(user, key.accessKeyId, key.secretAccessKey)
    }
    return world
  }

  async stop(): Promise<void> {
    await this.aws.stop()
    this.sandbox.cleanup()
  }

  serial(user: string): string {
    const serial = this.aws.user(user).mfaSerial
    if (!serial) throw new Error(`user ${user} has no MFA device`)
    return serial
  }

  /** A code not used yet: the emulator refuses a code twice, so move its clock to the next step first. */
  freshCode(user: string): string {
    this.aws.advance(30)
    return this.aws.totp(this.serial(user))
  }

  run(args: string[], env: Record<string, string | undefined> = {}, timeoutMs?: number): Promise<RunResult> {
    return this.sandbox.run(args, {env: {AWS_ENDPOINT_URL: this.aws.url, ...env}, ...(timeoutMs ? {timeoutMs} : {})})
  }

  /** `vault exec <profile> --json`, which must succeed. */
  async credentials(profile: string, flags: string[] = [], env: Record<string, string | undefined> = {}): Promise<ProcessCredentials> {
    const result = await this.run(['exec', profile, '--json', ...flags], env)
    expect(result.code, result.stderr).to.equal(0)
    return JSON.parse(result.stdout) as ProcessCredentials
  }

  /** Who AWS thinks these credentials are (GetCallerIdentity, which {@link stsCalls} leaves out). */
  async identity(credentials: ProcessCredentials): Promise<string> {
    const client = new STSClient({
      credentials: {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken ? {sessionToken: credentials.SessionToken} : {}),
      },
      endpoint: this.aws.url,
      region: 'us-east-1',
    })
    const answer = await client.send(new GetCallerIdentityCommand({}))
    client.destroy()
    return answer.Arn ?? ''
  }

  /** The STS calls vault made, in order. */
  stsCalls(): StsCallSummary[] {
    return this.aws.calls
      .filter((call) => call.service === 'sts' && call.action !== 'GetCallerIdentity')
      .map((call) => ({
        action: call.action,
        by: describePrincipal(call.principal?.source, call.principal?.arn),
        params: Object.fromEntries(
          Object.entries(call.params)
            .filter(([name]) => shownParams.includes(name) && name !== 'RoleSessionName')
            .map(([name, value]) => [name, String(value)]),
        ),
      }))
  }
}

function describePrincipal(source: string | undefined, arn: string | undefined): string {
  if (!source) return 'unknown'
  const name = arn?.split('/').at(source === 'AssumeRole' ? -2 : -1) ?? ''
  return source === 'long-term' ? `keys of ${name}` : `${source} session of ${name}`
}

/** The child's environment from `vault exec <profile> -- env`. */
export function parseEnv(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  )
}
