/**
 * `vault exec --ecs-server/--ec2-server`: the command runs beside a credential server that refreshes
 * the profile's credentials for as long as it runs; the server stops when the command ends.
 */
import type {Logger} from '../log.ts'
import type {ProfileCredentialProvider} from '../vault-context.ts'

import {runChild, type ChildOutcome} from './run-child.ts'

export interface ServerModeOptions {
  /** The profile, for the log lines. */
  name: string
  /** vault's own environment: the child's is made from it. */
  env: Readonly<Record<string, string | undefined>>
  ec2Server: boolean
  /** --ec2-address as given. */
  ec2Address?: string
  /** --lazy: fetch at the first request instead of at start. */
  lazy: boolean
  log: Logger
  /** Set with --debug only: a line per request. */
  requestLog?: Logger
  /** The profile's provider, resolved with MFA prompts kept off the terminal the command owns. */
  credentialProvider(): Promise<ProfileCredentialProvider>
  /** The command to run, asked for once the server is up. */
  childCommand(): [string, string[]]
}

export async function runWithServer(options: ServerModeOptions): Promise<ChildOutcome> {
  const {env, log, name} = options
  const {minTtlSeconds} = await import('../config/index.ts')
  const {RefreshingCredentials} = await import('../server/refreshing-credentials.ts')
  const serve = await import('../server/serve-child.ts')
  const {parseListenAddress} = await import('../server/listen.ts')
  const address = options.ec2Address === undefined ? undefined : parseListenAddress(options.ec2Address)
  const {profile, provider} = await options.credentialProvider()
  const minTtl = minTtlSeconds(env)
  const credentials = new RefreshingCredentials(provider, {label: `profile ${name}`, log, minTtlSeconds: minTtl})
  if (options.lazy) log('--lazy: the credentials are fetched at the first request')
  else await credentials.get()
  const serverOptions = {
    credentials,
    env,
    log,
    minTtlSeconds: minTtl,
    profile,
    ...(options.requestLog ? {requestLog: options.requestLog} : {}),
  }
  const served = options.ec2Server
    ? await serve.serveEc2ToChild({...serverOptions, ...(address ? {address} : {})})
    : await serve.serveEcsToChild(serverOptions)
  try {
    const [command, args] = options.childCommand()
    log(`running ${command} with a credential server for ${name}`)
    return await runChild(command, args, served.env)
  } finally {
    await served.server.close()
  }
}
