// Runs the real AWS CLI v2 (/usr/bin/aws, Debian package awscli) against an emulator, in a scrubbed environment.
// Secrets travel in the environment or in a 0600 input file, never in argv.
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import type {ClientCredentials} from './clients.ts'

export const AWS_CLI = '/usr/bin/aws'

export const requireAwsCli = (): void => {
  if (!existsSync(AWS_CLI)) {
    throw new Error(`${AWS_CLI} is missing: these tests need the AWS CLI v2 from the Debian package awscli (apt-get install -y awscli)`)
  }
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  json: () => Record<string, unknown>
}

export class AwsCli {
  readonly #home: string
  readonly #endpoint: string
  #inputs = 0

  private constructor(home: string, endpoint: string) {
    this.#home = home
    this.#endpoint = endpoint
  }

  static async create(endpoint: string): Promise<AwsCli> {
    requireAwsCli()
    const home = await mkdtemp(join(tmpdir(), 'emulator-cli-'))
    await writeFile(join(home, 'config'), '[default]\nregion = us-east-1\noutput = json\n', {mode: 0o600})
    return new AwsCli(home, endpoint)
  }

  async run(args: string[], options: {credentials?: ClientCredentials; input?: Record<string, unknown>} = {}): Promise<CliResult> {
    const extra: string[] = []
    if (options.input) {
      const file = join(this.#home, `input-${++this.#inputs}.json`)
      await writeFile(file, JSON.stringify(options.input), {mode: 0o600})
      extra.push('--cli-input-json', `file://${file}`)
    }
    const env: Record<string, string> = {
      PATH: '/usr/bin:/bin',
      HOME: this.#home,
      AWS_CONFIG_FILE: join(this.#home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    }
    if (options.credentials) {
      env.AWS_ACCESS_KEY_ID = options.credentials.accessKeyId
      env.AWS_SECRET_ACCESS_KEY = options.credentials.secretAccessKey
      if (options.credentials.sessionToken) env.AWS_SESSION_TOKEN = options.credentials.sessionToken
    }
    const argv = [...args, ...extra, '--endpoint-url', this.#endpoint]
    try {
      const {stdout, stderr} = await promisify(execFile)(AWS_CLI, argv, {env})
      return {code: 0, stdout, stderr, json: () => JSON.parse(stdout)}
    } catch (error) {
      const failed = error as {code?: number; stdout?: string; stderr?: string}
      if (typeof failed.code !== 'number') throw error
      return {code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', json: () => JSON.parse(failed.stdout ?? '')}
    }
  }

  async dispose(): Promise<void> {
    await rm(this.#home, {recursive: true, force: true})
  }
}
