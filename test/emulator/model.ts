// The identities the emulator knows and the declarative seed that creates them.

export const DEFAULT_ACCOUNT = '123456789012'

export interface AccessKey {
  accessKeyId: string
  secretAccessKey: string
  status: 'Active' | 'Inactive'
  createdAt: number
  user: User
}

export interface MfaDevice {
  serial: string
  secret: string
  user: User
  // Highest TOTP counter already accepted: a code from that step or earlier is refused.
  lastCounter?: number
}

export interface User {
  name: string
  path: string
  account: string
  userId: string
  arn: string
  createdAt: number
  accessKeys: AccessKey[]
  mfaDevices: MfaDevice[]
  // The user's policy denies IAM actions unless the request carries MFA (aws:MultiFactorAuthPresent).
  requireMfa: boolean
}

export interface Trust {
  // '*', an account id, 'arn:aws:iam::ACCOUNT:root', a user or role ARN, or an assumed-role session ARN
  principals: string[]
  // OIDC provider ARNs or issuer URLs allowed to call AssumeRoleWithWebIdentity
  federated: string[]
  mfaRequired: boolean
  externalId?: string
}

export interface Role {
  name: string
  path: string
  account: string
  roleId: string
  arn: string
  maxSessionDuration: number
  trust: Trust
  createdAt: number
}

export type SessionSource = 'GetSessionToken' | 'AssumeRole' | 'GetFederationToken' | 'AssumeRoleWithWebIdentity' | 'GetRoleCredentials'

export interface Session {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  issuedAt: number
  expiresAt: number
  source: SessionSource
  account: string
  // The IAM user behind GetSessionToken and GetFederationToken sessions
  user?: User
  role?: Role
  sessionName?: string
  federatedName?: string
  mfa: boolean
  // Obtained by AssumeRole with temporary credentials
  chained: boolean
  tags: Record<string, string>
  transitiveTagKeys: string[]
  sourceIdentity?: string
}

export interface OidcProvider {
  url: string
  arn: string
  account: string
  clientIds: string[]
}

export type Caller = {kind: 'user'; user: User; key: AccessKey} | {kind: 'session'; session: Session}

export interface UserSeed {
  name: string
  account?: string
  path?: string
  // How many access keys to create (default 1), or their exact values
  accessKeys?: number | Array<{accessKeyId?: string; secretAccessKey?: string; status?: 'Active' | 'Inactive'}>
  // A virtual MFA device; its serial is arn:aws:iam::ACCOUNT:mfa/NAME (NAME defaults to the user name)
  mfa?: boolean | {name?: string; secret?: string}
  requireMfa?: boolean
}

export interface RoleSeed {
  name: string
  account?: string
  path?: string
  maxSessionDuration?: number
  // Defaults to the role's own account as principal, no MFA, no external id
  trust?: {principals?: string[]; federated?: string[]; mfaRequired?: boolean; externalId?: string}
}

export interface OidcProviderSeed {
  url: string
  account?: string
  clientIds?: string[]
}

export interface SsoRoleSeed {
  name: string
  // Lifetime of GetRoleCredentials results, the permission set's session duration (default 3600)
  sessionDuration?: number
}

export interface SsoAccountSeed {
  accountId: string
  accountName?: string
  emailAddress?: string
  roles: Array<string | SsoRoleSeed>
}

export interface SsoSeed {
  // The name that becomes the role session name of GetRoleCredentials sessions
  userName?: string
  accounts?: SsoAccountSeed[]
  // Seconds a client must wait between CreateToken polls (default 1, as AWS answers)
  deviceInterval?: number
  // Lifetime of a device code in seconds (default 600)
  deviceExpiresIn?: number
  // Lifetime of an access token in seconds (default 28800)
  accessTokenExpiresIn?: number
}

export interface Seed {
  users?: UserSeed[]
  roles?: RoleSeed[]
  oidcProviders?: OidcProviderSeed[]
  sso?: SsoSeed
}
