// IAM Identity Center: OIDC device authorization (RegisterClient, StartDeviceAuthorization, CreateToken)
// and the portal (ListAccounts, ListAccountRoles, GetRoleCredentials, Logout).
import type {Clock} from './clock.ts'
import {AwsError} from './errors.ts'
import {newHex, newOpaqueToken, newUserCode} from './ids.ts'
import type {Identities} from './identities.ts'
import type {Role, SsoSeed} from './model.ts'

interface OidcClient {
  clientId: string
  clientSecret: string
  scopes: string[]
  secretExpiresAt: number
}

interface DeviceAuthorization {
  deviceCode: string
  userCode: string
  clientId: string
  startUrl: string
  expiresAt: number
  intervalSeconds: number
  lastPollAt?: number
  status: 'pending' | 'approved' | 'denied' | 'redeemed'
}

interface AccessToken {
  expiresAt: number
  clientId?: string
}

interface SsoAccount {
  accountId: string
  accountName: string
  emailAddress: string
  roles: Map<string, {role: Role; sessionDuration: number}>
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

const oidcError = (code: string, oauthError: string, description: string, status = 400): AwsError =>
  new AwsError(code, description, status, {oauthError})

const invalidClient = (): AwsError => oidcError('InvalidClientException', 'invalid_client', 'Invalid client provided', 401)
const invalidGrant = (description: string): AwsError => oidcError('InvalidGrantException', 'invalid_grant', description)
const unauthorized = (): AwsError => new AwsError('UnauthorizedException', 'Session token not found or invalid', 401)
const noAccess = (): AwsError => new AwsError('ForbiddenException', 'No access', 403)

const pageToken = (offset: number): string => Buffer.from(String(offset)).toString('base64url')
const pageOffset = (token: string | undefined): number => (token ? Number(Buffer.from(token, 'base64url').toString()) || 0 : 0)

const page = <T>(items: T[], maxResults: string | undefined, nextToken: string | undefined): {items: T[]; nextToken?: string} => {
  const start = pageOffset(nextToken)
  const size = maxResults ? Math.max(1, Number(maxResults)) : 100
  const end = start + size
  return {items: items.slice(start, end), nextToken: end < items.length ? pageToken(end) : undefined}
}

export class IdentityCenter {
  readonly #clock: Clock
  readonly #identities: Identities
  readonly #clients = new Map<string, OidcClient>()
  readonly #devices = new Map<string, DeviceAuthorization>()
  readonly #accessTokens = new Map<string, AccessToken>()
  readonly #refreshTokens = new Map<string, {clientId: string; scopes: string[]}>()
  readonly #accounts = new Map<string, SsoAccount>()
  #userName = 'sso-user'
  #deviceInterval = 1
  #deviceExpiresIn = 600
  #accessTokenExpiresIn = 28800

  constructor(clock: Clock, identities: Identities) {
    this.#clock = clock
    this.#identities = identities
  }

  configure(seed: SsoSeed): void {
    this.#userName = seed.userName ?? this.#userName
    this.#deviceInterval = seed.deviceInterval ?? this.#deviceInterval
    this.#deviceExpiresIn = seed.deviceExpiresIn ?? this.#deviceExpiresIn
    this.#accessTokenExpiresIn = seed.accessTokenExpiresIn ?? this.#accessTokenExpiresIn
    for (const accountSeed of seed.accounts ?? []) {
      const account: SsoAccount = this.#accounts.get(accountSeed.accountId) ?? {
        accountId: accountSeed.accountId,
        accountName: accountSeed.accountName ?? `account-${accountSeed.accountId}`,
        emailAddress: accountSeed.emailAddress ?? `aws+${accountSeed.accountId}@example.com`,
        roles: new Map(),
      }
      for (const roleSeed of accountSeed.roles) {
        const {name, sessionDuration = 3600} = typeof roleSeed === 'string' ? {name: roleSeed} : roleSeed
        // Identity Center provisions one IAM role per permission set, named like this, in each assigned account.
        const role = this.#identities.addRole({
          name: `AWSReservedSSO_${name}_${newHex(16)}`,
          account: account.accountId,
          path: '/aws-reserved/sso.amazonaws.com/',
          maxSessionDuration: sessionDuration,
          trust: {principals: []},
        })
        account.roles.set(name, {role, sessionDuration})
      }
      this.#accounts.set(account.accountId, account)
    }
  }

  // --- SSO-OIDC ---

  registerClient(body: Record<string, unknown>): unknown {
    if (typeof body.clientName !== 'string' || body.clientType !== 'public') {
      throw oidcError(
        'InvalidClientMetadataException',
        'invalid_client_metadata',
        'Invalid client metadata: clientName and a public clientType are required',
      )
    }
    const now = this.#clock.now()
    const client: OidcClient = {
      clientId: newOpaqueToken(16),
      clientSecret: newOpaqueToken(64),
      scopes: Array.isArray(body.scopes) ? body.scopes.map(String) : [],
      secretExpiresAt: now + 90 * 24 * 3600 * 1000,
    }
    this.#clients.set(client.clientId, client)
    return {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      clientIdIssuedAt: Math.floor(now / 1000),
      clientSecretExpiresAt: Math.floor(client.secretExpiresAt / 1000),
    }
  }

  #client(body: Record<string, unknown>): OidcClient {
    const client = this.#clients.get(String(body.clientId))
    if (!client || client.clientSecret !== body.clientSecret || client.secretExpiresAt <= this.#clock.now()) throw invalidClient()
    return client
  }

  startDeviceAuthorization(body: Record<string, unknown>, baseUrl: string): unknown {
    const client = this.#client(body)
    if (typeof body.startUrl !== 'string') throw oidcError('InvalidRequestException', 'invalid_request', 'startUrl is required')
    const device: DeviceAuthorization = {
      deviceCode: newOpaqueToken(48),
      userCode: newUserCode(),
      clientId: client.clientId,
      startUrl: body.startUrl,
      expiresAt: this.#clock.now() + this.#deviceExpiresIn * 1000,
      intervalSeconds: this.#deviceInterval,
      status: 'pending',
    }
    this.#devices.set(device.deviceCode, device)
    const verificationUri = `${baseUrl}/device`
    return {
      deviceCode: device.deviceCode,
      userCode: device.userCode,
      verificationUri,
      verificationUriComplete: `${verificationUri}?user_code=${device.userCode}`,
      expiresIn: this.#deviceExpiresIn,
      interval: device.intervalSeconds,
    }
  }

  createToken(body: Record<string, unknown>): unknown {
    const client = this.#client(body)
    if (body.grantType === DEVICE_GRANT) return this.#redeemDeviceCode(client, String(body.deviceCode))
    if (body.grantType === 'refresh_token') return this.#redeemRefreshToken(client, String(body.refreshToken))
    throw oidcError('UnsupportedGrantTypeException', 'unsupported_grant_type', `Unsupported grant type: ${String(body.grantType)}`)
  }

  #redeemDeviceCode(client: OidcClient, deviceCode: string): unknown {
    const device = this.#devices.get(deviceCode)
    if (!device || device.clientId !== client.clientId || device.status === 'redeemed') throw invalidGrant('Invalid device code provided')
    const now = this.#clock.now()
    if (device.expiresAt <= now) throw oidcError('ExpiredTokenException', 'expired_token', 'Device code has expired')
    if (device.status === 'denied') throw oidcError('AccessDeniedException', 'access_denied', 'Access denied by the user')
    if (device.status === 'pending') {
      const tooSoon = device.lastPollAt !== undefined && now - device.lastPollAt < device.intervalSeconds * 1000
      device.lastPollAt = now
      if (tooSoon) throw oidcError('SlowDownException', 'slow_down', 'Client is polling too quickly')
      throw oidcError('AuthorizationPendingException', 'authorization_pending', 'Authorization is still pending')
    }
    device.status = 'redeemed'
    return this.#tokenResponse(client.clientId, client.scopes)
  }

  #redeemRefreshToken(client: OidcClient, refreshToken: string): unknown {
    const grant = this.#refreshTokens.get(refreshToken)
    if (!grant || grant.clientId !== client.clientId) throw invalidGrant('Invalid refresh token provided')
    this.#refreshTokens.delete(refreshToken)
    return this.#tokenResponse(client.clientId, grant.scopes)
  }

  // Refresh tokens come only to clients registered with scopes, as Identity Center does.
  #tokenResponse(clientId: string | undefined, scopes: string[]): Record<string, unknown> {
    const accessToken = `aoa${newOpaqueToken(96)}`
    this.#accessTokens.set(accessToken, {expiresAt: this.#clock.now() + this.#accessTokenExpiresIn * 1000, clientId})
    const response: Record<string, unknown> = {accessToken, tokenType: 'Bearer', expiresIn: this.#accessTokenExpiresIn}
    if (clientId && scopes.length > 0) {
      const refreshToken = `aor${newOpaqueToken(96)}`
      this.#refreshTokens.set(refreshToken, {clientId, scopes})
      response.refreshToken = refreshToken
    }
    return response
  }

  issueAccessToken(): {accessToken: string; expiresAt: Date} {
    const {accessToken} = this.#tokenResponse(undefined, []) as {accessToken: string}
    return {accessToken, expiresAt: new Date(this.#accessTokens.get(accessToken)!.expiresAt)}
  }

  #pending(userCode: string | undefined): DeviceAuthorization {
    const pending = [...this.#devices.values()].filter((device) => device.status === 'pending')
    const device = userCode === undefined ? pending.at(-1) : pending.find((candidate) => candidate.userCode === userCode)
    if (!device)
      throw new Error(userCode ? `no pending device authorization with user code ${userCode}` : 'no pending device authorization')
    return device
  }

  approve(userCode?: string): void {
    this.#pending(userCode).status = 'approved'
  }

  deny(userCode?: string): void {
    this.#pending(userCode).status = 'denied'
  }

  pendingUserCodes(): string[] {
    return [...this.#devices.values()].filter((device) => device.status === 'pending').map((device) => device.userCode)
  }

  // --- portal ---

  #authorize(accessToken: string | undefined): void {
    const token = accessToken === undefined ? undefined : this.#accessTokens.get(accessToken)
    if (!token || token.expiresAt <= this.#clock.now()) throw unauthorized()
  }

  listAccounts(accessToken: string | undefined, query: URLSearchParams): unknown {
    this.#authorize(accessToken)
    const accounts = [...this.#accounts.values()].map(({accountId, accountName, emailAddress}) => ({accountId, accountName, emailAddress}))
    const {items, nextToken} = page(accounts, query.get('max_result') ?? undefined, query.get('next_token') ?? undefined)
    return {accountList: items, nextToken}
  }

  listAccountRoles(accessToken: string | undefined, query: URLSearchParams): unknown {
    this.#authorize(accessToken)
    const accountId = query.get('account_id') ?? ''
    const roles = [...(this.#accounts.get(accountId)?.roles.keys() ?? [])].map((roleName) => ({roleName, accountId}))
    const {items, nextToken} = page(roles, query.get('max_result') ?? undefined, query.get('next_token') ?? undefined)
    return {roleList: items, nextToken}
  }

  getRoleCredentials(accessToken: string | undefined, query: URLSearchParams): unknown {
    this.#authorize(accessToken)
    const assignment = this.#accounts.get(query.get('account_id') ?? '')?.roles.get(query.get('role_name') ?? '')
    if (!assignment) throw noAccess()
    const session = this.#identities.createSession(
      {
        source: 'GetRoleCredentials',
        account: assignment.role.account,
        role: assignment.role,
        sessionName: this.#userName,
        mfa: false,
        chained: false,
        tags: {},
        transitiveTagKeys: [],
      },
      assignment.sessionDuration,
    )
    return {
      roleCredentials: {
        accessKeyId: session.accessKeyId,
        secretAccessKey: session.secretAccessKey,
        sessionToken: session.sessionToken,
        expiration: session.expiresAt,
      },
    }
  }

  logout(accessToken: string | undefined): void {
    this.#authorize(accessToken)
    this.#accessTokens.delete(accessToken!)
  }
}
