// The emulator's directory: users and their keys, MFA devices, roles, OIDC providers and live sessions.
import type {Clock} from './clock.ts'
import {newAccessKeyId, newSecretAccessKey, newSessionToken, newUniqueId} from './ids.ts'
import {
  DEFAULT_ACCOUNT,
  type AccessKey,
  type Caller,
  type MfaDevice,
  type OidcProvider,
  type OidcProviderSeed,
  type Role,
  type RoleSeed,
  type Session,
  type User,
  type UserSeed,
} from './model.ts'
import {newTotpSecret} from './totp.ts'

const normalisePath = (path: string | undefined): string => {
  if (!path) return '/'
  const withLead = path.startsWith('/') ? path : `/${path}`
  return withLead.endsWith('/') ? withLead : `${withLead}/`
}

export const issuerHost = (url: string): string => url.replace(/^https:\/\//, '').replace(/\/$/, '')

export class Identities {
  readonly users = new Map<string, User>()
  readonly roles = new Map<string, Role>()
  readonly mfaDevices = new Map<string, MfaDevice>()
  readonly oidcProviders = new Map<string, OidcProvider>()
  readonly #keys = new Map<string, AccessKey>()
  readonly #sessions = new Map<string, Session>()
  readonly #clock: Clock

  constructor(clock: Clock) {
    this.#clock = clock
  }

  addUser(seed: UserSeed): User {
    if (this.users.has(seed.name)) throw new Error(`user ${seed.name} is already seeded`)
    const account = seed.account ?? DEFAULT_ACCOUNT
    const path = normalisePath(seed.path)
    const user: User = {
      name: seed.name,
      path,
      account,
      userId: newUniqueId('AIDA'),
      arn: `arn:aws:iam::${account}:user${path}${seed.name}`,
      createdAt: this.#clock.now(),
      accessKeys: [],
      mfaDevices: [],
      requireMfa: seed.requireMfa ?? false,
    }
    this.users.set(user.name, user)
    type KeySeed = Exclude<UserSeed['accessKeys'], number | undefined>[number]
    const keySeeds: KeySeed[] =
      typeof seed.accessKeys === 'number' ? Array.from({length: seed.accessKeys}, () => ({})) : (seed.accessKeys ?? [{}])
    for (const keySeed of keySeeds) {
      const key = this.createAccessKey(user, keySeed.accessKeyId, keySeed.secretAccessKey)
      key.status = keySeed.status ?? 'Active'
    }
    if (seed.mfa) {
      const options = seed.mfa === true ? {} : seed.mfa
      const device: MfaDevice = {
        serial: `arn:aws:iam::${account}:mfa/${options.name ?? seed.name}`,
        secret: options.secret ?? newTotpSecret(),
        user,
      }
      user.mfaDevices.push(device)
      this.mfaDevices.set(device.serial, device)
    }
    return user
  }

  createAccessKey(user: User, accessKeyId = newAccessKeyId(false), secretAccessKey = newSecretAccessKey()): AccessKey {
    const key: AccessKey = {accessKeyId, secretAccessKey, status: 'Active', createdAt: this.#clock.now(), user}
    user.accessKeys.push(key)
    this.#keys.set(accessKeyId, key)
    return key
  }

  deleteAccessKey(key: AccessKey): void {
    key.user.accessKeys = key.user.accessKeys.filter((candidate) => candidate !== key)
    this.#keys.delete(key.accessKeyId)
  }

  addRole(seed: RoleSeed): Role {
    const account = seed.account ?? DEFAULT_ACCOUNT
    const path = normalisePath(seed.path)
    const role: Role = {
      name: seed.name,
      path,
      account,
      roleId: newUniqueId('AROA'),
      arn: `arn:aws:iam::${account}:role${path}${seed.name}`,
      maxSessionDuration: seed.maxSessionDuration ?? 3600,
      trust: {
        principals: seed.trust?.principals ?? (seed.trust?.federated ? [] : [account]),
        federated: seed.trust?.federated ?? [],
        mfaRequired: seed.trust?.mfaRequired ?? false,
        externalId: seed.trust?.externalId,
      },
      createdAt: this.#clock.now(),
    }
    if (this.roles.has(role.arn)) throw new Error(`role ${role.arn} is already seeded`)
    this.roles.set(role.arn, role)
    return role
  }

  addOidcProvider(seed: OidcProviderSeed): OidcProvider {
    const account = seed.account ?? DEFAULT_ACCOUNT
    const provider: OidcProvider = {
      url: seed.url.replace(/\/$/, ''),
      arn: `arn:aws:iam::${account}:oidc-provider/${issuerHost(seed.url)}`,
      account,
      clientIds: seed.clientIds ?? ['sts.amazonaws.com'],
    }
    this.oidcProviders.set(provider.url, provider)
    return provider
  }

  roleByName(name: string): Role {
    const role = [...this.roles.values()].find((candidate) => candidate.name === name)
    if (!role) throw new Error(`no role named ${name}`)
    return role
  }

  user(name: string): User {
    const user = this.users.get(name)
    if (!user) throw new Error(`no user named ${name}`)
    return user
  }

  accessKey(accessKeyId: string): AccessKey | undefined {
    return this.#keys.get(accessKeyId)
  }

  session(accessKeyId: string): Session | undefined {
    return this.#sessions.get(accessKeyId)
  }

  createSession(
    fields: Omit<Session, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'issuedAt' | 'expiresAt'>,
    durationSeconds: number,
  ): Session {
    const issuedAt = this.#clock.now()
    const session: Session = {
      ...fields,
      accessKeyId: newAccessKeyId(true),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      issuedAt,
      expiresAt: issuedAt + durationSeconds * 1000,
    }
    this.#sessions.set(session.accessKeyId, session)
    return session
  }
}

// How AWS names a caller: user ARNs, assumed-role and federated-user ARNs of STS.
export const sessionArn = (session: Session): string => {
  if (session.role) return `arn:aws:sts::${session.account}:assumed-role/${session.role.name}/${session.sessionName}`
  if (session.federatedName) return `arn:aws:sts::${session.account}:federated-user/${session.federatedName}`
  return session.user!.arn
}

export const sessionUserId = (session: Session): string => {
  if (session.role) return `${session.role.roleId}:${session.sessionName}`
  if (session.federatedName) return `${session.account}:${session.federatedName}`
  return session.user!.userId
}

export const callerArn = (caller: Caller): string => (caller.kind === 'user' ? caller.user.arn : sessionArn(caller.session))

export const callerUserId = (caller: Caller): string => (caller.kind === 'user' ? caller.user.userId : sessionUserId(caller.session))

export const callerAccount = (caller: Caller): string => (caller.kind === 'user' ? caller.user.account : caller.session.account)

export const callerAccessKeyId = (caller: Caller): string => (caller.kind === 'user' ? caller.key.accessKeyId : caller.session.accessKeyId)

// The IAM user a caller acts as, when it acts as one (long-term keys and GetSessionToken sessions).
export const callerIamUser = (caller: Caller): User | undefined => {
  if (caller.kind === 'user') return caller.user
  return caller.session.source === 'GetSessionToken' ? caller.session.user : undefined
}

export const callerHasMfa = (caller: Caller): boolean => caller.kind === 'session' && caller.session.mfa
