import type {Credentials} from '../plugin-api/index.ts'

import type {Logger} from '../log.ts'
import {defaultRoleSessionName} from '../providers/chain.ts'
import type {StsTarget} from '../sts/target.ts'
import {RefreshingCredentials} from './refreshing-credentials.ts'

export interface RoleCredentialsOptions {
  /** The profile's credentials: every role is assumed with them. */
  base: RefreshingCredentials
  target: StsTarget
  durationSeconds: number
  minTtlSeconds: number
  /** The profile whose credentials sign AssumeRole, for error messages. */
  profileName: string
  log?: Logger
  now?: () => number
}

const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/

export function isRoleArn(text: string): boolean {
  return ROLE_ARN_PATTERN.test(text)
}

/**
 * Credentials for any role, assumed from the profile's credentials when first asked for
 * and again when they near expiry, as aws-vault's ECS server does for `/role-arn/<arn>`:
 * a session name of its own, the profile's duration, no MFA (the base session carries it).
 */
export function roleCredentials(options: RoleCredentialsOptions): (roleArn: string) => RefreshingCredentials {
  const roles = new Map<string, RefreshingCredentials>()
  return (roleArn) => {
    let role = roles.get(roleArn)
    if (!role) {
      const assume = async (): Promise<Credentials> => {
        const source = await options.base.get()
        const {assumeRole} = await import('../sts/index.ts')
        options.log?.(`AssumeRole ${roleArn} for ${options.durationSeconds}s with the credentials of ${options.profileName}`)
        return assumeRole(
          source,
          options.target,
          {
            durationSeconds: options.durationSeconds,
            roleArn,
            roleSessionName: defaultRoleSessionName(new Date(options.now?.() ?? Date.now())),
            sessionTags: {},
            transitiveTagKeys: [],
          },
          {sourceProfileName: options.profileName},
        )
      }
      role = new RefreshingCredentials(assume, {
        label: `role ${roleArn}`,
        minTtlSeconds: options.minTtlSeconds,
        ...(options.log ? {log: options.log} : {}),
        ...(options.now ? {now: options.now} : {}),
      })
      roles.set(roleArn, role)
    }
    return role
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
