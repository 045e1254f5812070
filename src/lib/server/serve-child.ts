import type {ResolvedProfile} from '../plugin-api/index.ts'

import {childEnvironment} from '../exec/environment.ts'
import type {Logger} from '../log.ts'
import {resolveStsTarget} from '../sts/target.ts'
import {startEc2Server} from './ec2-server.ts'
import {startEcsServer} from './ecs-server.ts'
import {isLoopbackAddress} from './http.ts'
import {VaultError} from '../errors.ts'
import type {ListenAddress, RunningServer} from './listen.ts'
import type {RefreshingCredentials} from './refreshing-credentials.ts'
import {roleCredentials} from './roles.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface ChildServerOptions {
  credentials: RefreshingCredentials
  profile: ResolvedProfile
  /** vault's own environment: the child's is made from it. */
  env: Env
  minTtlSeconds: number
  log: Logger
  /** Set with --debug only: a line per request. */
  requestLog?: Logger
}

export interface ServedChild {
  server: RunningServer
  /** The child's environment: no keys, only where and how to ask for them. */
  env: Record<string, string>
}

/** Variables that would make an SDK look for credentials somewhere else first. */
const containerVariables = [
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
]

function without(env: Record<string, string>, names: readonly string[]): Record<string, string> {
  for (const name of names) delete env[name]
  return env
}

/** The ECS credential server for a child, and the child's environment pointing at it. */
export async function serveEcsToChild(options: ChildServerOptions): Promise<ServedChild> {
  const {profile} = options
  const server = await startEcsServer({
    credentials: options.credentials,
    log: options.log,
    ...(options.requestLog ? {requestLog: options.requestLog} : {}),
    roleCredentials: roleCredentials({
      base: options.credentials,
      durationSeconds: profile.assumeRoleDuration,
      log: options.log,
      minTtlSeconds: options.minTtlSeconds,
      profileName: profile.name,
      target: resolveStsTarget(profile, options.env).target,
    }),
  })
  options.log(
    `ECS credential server on ${server.url}; the child gets AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN`,
  )
  const env = without(childEnvironment(options.env, profile.name, profile.region), containerVariables)
  env.AWS_CONTAINER_CREDENTIALS_FULL_URI = server.url
  env.AWS_CONTAINER_AUTHORIZATION_TOKEN = server.authToken
  return {env, server}
}

/** The EC2 metadata server for a child, and the child's environment pointing at it. */
export async function serveEc2ToChild(options: ChildServerOptions & {address?: ListenAddress}): Promise<ServedChild> {
  if (options.address && !isLoopbackAddress(options.address.host)) {
    throw new VaultError('USAGE', `--ec2-address ${options.address.host} is not a loopback address: the server answers only this machine`, {
      suggestions: ['use 127.0.0.1 (or another 127.x address, or ::1) with a port of your choice'],
    })
  }
  const server = await startEc2Server({
    credentials: options.credentials,
    log: options.log,
    ...(options.requestLog ? {requestLog: options.requestLog} : {}),
    ...(options.address ? {address: options.address} : {}),
    ...(options.profile.region ? {region: options.profile.region} : {}),
  })
  const env = without(childEnvironment(options.env, options.profile.name, options.profile.region), [
    ...containerVariables,
    'AWS_EC2_METADATA_DISABLED',
    'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE',
  ])
  env.AWS_EC2_METADATA_SERVICE_ENDPOINT = server.endpoint
  options.log(`EC2 metadata server on ${server.endpoint}; the child gets AWS_EC2_METADATA_SERVICE_ENDPOINT`)
  return {env, server}
}
