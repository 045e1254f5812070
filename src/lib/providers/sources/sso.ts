import {spawn} from 'node:child_process'
import {homedir} from 'node:os'

import type {Credentials, CredentialProvider, Keyring, ResolvedProfile, SourceDeps} from '../../plugin-api/index.ts'

import {errorCode, VaultError} from '../../errors.ts'
import {oidcTokenKey} from '../../keyring/session-key.ts'
import {withLock} from '../../lock/index.ts'
import type {OidcToken, RegisteredClient, SsoTarget} from '../../sts/sso.ts'
import {callLimitsFromEnv} from '../../sts/limits.ts'
import {configuredEndpoint} from '../../sts/target.ts'

/** The item aws-vault v7 stores under `oidc:<start url>`, plus the registered client that refresh tokens need. */
interface StoredOidcToken {
  Token: {AccessToken: string; ExpiresIn: number; TokenType?: string; RefreshToken?: string; IdToken?: string}
  Expiration: string
  Client?: {ClientId: string; ClientSecret: string; ClientSecretExpiresAt: number}
}

interface CachedToken {
  accessToken: string
  expiration: Date
  refreshToken?: string
  client?: RegisteredClient
}

/** A token with less than this left is not used for a new call. */
const TOKEN_MARGIN_MS = 60_000

function ssoTarget(profile: ResolvedProfile, env: SourceDeps['env']): SsoTarget {
  const oidcEndpoint = configuredEndpoint('AWS_ENDPOINT_URL_SSO_OIDC', profile, env)
  const portalEndpoint = configuredEndpoint('AWS_ENDPOINT_URL_SSO', profile, env)
  const limits = callLimitsFromEnv(env)
  return {
    region: profile.ssoRegion ?? '',
    ...(oidcEndpoint ? {oidcEndpoint} : {}),
    ...(portalEndpoint ? {portalEndpoint} : {}),
    ...(limits ? {limits} : {}),
  }
}

function required(profile: ResolvedProfile): {startUrl: string; accountId: string; roleName: string} {
  const missing = (
    [
      ['sso_start_url', profile.ssoStartUrl],
      ['sso_region', profile.ssoRegion],
      ['sso_account_id', profile.ssoAccountId],
      ['sso_role_name', profile.ssoRoleName],
    ] as const
  ).filter(([, value]) => !value)
  if (missing.length > 0) {
    throw new VaultError('CONFIG_INVALID', `profile "${profile.name}" uses SSO but has no ${missing.map(([key]) => key).join(', ')}`, {
      suggestions: ['set them in the profile, or in its [sso-session] section'],
    })
  }
  return {accountId: profile.ssoAccountId!, roleName: profile.ssoRoleName!, startUrl: profile.ssoStartUrl!}
}

async function readToken(keyring: Keyring, startUrl: string): Promise<CachedToken | undefined> {
  let stored: StoredOidcToken
  try {
    stored = JSON.parse(Buffer.from((await keyring.get(oidcTokenKey(startUrl))).data).toString('utf8')) as StoredOidcToken
  } catch (error) {
    if (errorCode(error) === 'ITEM_NOT_FOUND' || error instanceof SyntaxError) return undefined
    throw error
  }
  if (!stored?.Token?.AccessToken) return undefined
  return {
    accessToken: stored.Token.AccessToken,
    expiration: new Date(stored.Expiration),
    ...(stored.Token.RefreshToken ? {refreshToken: stored.Token.RefreshToken} : {}),
    ...(stored.Client
      ? {
          client: {
            clientId: stored.Client.ClientId,
            clientSecret: stored.Client.ClientSecret,
            clientSecretExpiresAt: stored.Client.ClientSecretExpiresAt,
          },
        }
      : {}),
  }
}

async function writeToken(keyring: Keyring, startUrl: string, token: OidcToken, client: RegisteredClient, now: Date): Promise<CachedToken> {
  const expiration = new Date(now.getTime() + token.expiresIn * 1000)
  const stored: StoredOidcToken = {
    Expiration: expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Token: {
      AccessToken: token.accessToken,
      ExpiresIn: token.expiresIn,
      ...(token.tokenType ? {TokenType: token.tokenType} : {}),
      ...(token.refreshToken ? {RefreshToken: token.refreshToken} : {}),
      ...(token.idToken ? {IdToken: token.idToken} : {}),
    },
    ...(token.refreshToken
      ? {Client: {ClientId: client.clientId, ClientSecret: client.clientSecret, ClientSecretExpiresAt: client.clientSecretExpiresAt}}
      : {}),
  }
  await keyring.set({
    data: Buffer.from(JSON.stringify(stored), 'utf8'),
    description: 'aws-vault oidc token',
    key: oidcTokenKey(startUrl),
    label: `aws-vault oidc token for ${startUrl} (expires ${stored.Expiration})`,
  })
  return {accessToken: token.accessToken, client, expiration, ...(token.refreshToken ? {refreshToken: token.refreshToken} : {})}
}

function scopesOf(profile: ResolvedProfile): string[] {
  return (profile.ssoRegistrationScopes ?? '')
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean)
}

/** Opens the page in a browser where one can be shown; the URL is printed either way. */
function openBrowser(url: string, env: SourceDeps['env']): void {
  const opener = process.platform === 'darwin' ? 'open' : env.DISPLAY || env.WAYLAND_DISPLAY ? 'xdg-open' : undefined
  if (!opener || env.AWS_VAULT_SSO_NO_BROWSER === '1') return
  try {
    const child = spawn(opener, [url], {detached: true, stdio: 'ignore'})
    child.on('error', () => {})
    child.unref()
  } catch {
    // The printed URL is enough.
  }
}

function ssoFailure(what: string, error: unknown, suggestions: string[] = []): VaultError {
  if (error instanceof VaultError) return error
  const name = error instanceof Error ? error.name : 'Error'
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')
  return new VaultError('STS_FAILED', `${what} failed: ${message} (${name})`, {cause: error, suggestions})
}

class SsoLogin {
  private readonly profile: ResolvedProfile
  private readonly deps: SourceDeps
  private readonly target: SsoTarget
  private readonly startUrl: string

  constructor(profile: ResolvedProfile, deps: SourceDeps, startUrl: string) {
    this.profile = profile
    this.deps = deps
    this.target = ssoTarget(profile, deps.env)
    this.startUrl = startUrl
  }

  /** A usable access token: the cached one, a refreshed one, or one from a new device login. */
  async token(): Promise<{token: CachedToken; cached: boolean}> {
    const cached = await readToken(this.deps.keyring, this.startUrl)
    const now = Date.now()
    if (cached && cached.expiration.getTime() - now > TOKEN_MARGIN_MS) return {cached: true, token: cached}
    if (cached?.refreshToken && cached.client && cached.client.clientSecretExpiresAt * 1000 > now) {
      try {
        return {cached: false, token: await this.refresh(cached.client, cached.refreshToken)}
      } catch (error) {
        this.deps.debug(
          `refreshing the SSO token of ${this.startUrl} failed (${error instanceof Error ? error.name : 'error'}): signing in again`,
        )
      }
    }
    return {cached: false, token: await this.login()}
  }

  async forget(): Promise<void> {
    await this.deps.keyring.remove(oidcTokenKey(this.startUrl)).catch(() => undefined)
  }

  private async refresh(client: RegisteredClient, refreshToken: string): Promise<CachedToken> {
    const {createToken} = await import('../../sts/sso.ts')
    this.deps.debug(`refreshing the SSO token of ${this.startUrl}`)
    const token = await createToken(this.target, client, {refreshToken})
    return writeToken(this.deps.keyring, this.startUrl, token, client, new Date())
  }

  /** The device authorization flow: the user approves in a browser while this polls. */
  async login(): Promise<CachedToken> {
    const {createToken, registerClient, startDeviceAuthorization} = await import('../../sts/sso.ts')
    let client: RegisteredClient
    let device
    try {
      client = await registerClient(this.target, scopesOf(this.profile))
      device = await startDeviceAuthorization(this.target, client, this.startUrl)
    } catch (error) {
      throw ssoFailure(`signing in to ${this.startUrl}`, error, ['check sso_start_url and sso_region'])
    }
    process.stderr.write(
      `vault: to sign in to ${this.startUrl}, open ${device.verificationUriComplete} and check that it shows the code ${device.userCode}\n`,
    )
    openBrowser(device.verificationUriComplete, this.deps.env)
    let interval = Math.max(1, device.interval)
    const deadline = Date.now() + device.expiresIn * 1000
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, interval * 1000))
      try {
        const token = await createToken(this.target, client, {deviceCode: device.deviceCode})
        return await writeToken(this.deps.keyring, this.startUrl, token, client, new Date())
      } catch (error) {
        const name = error instanceof Error ? error.name : ''
        if (name === 'AuthorizationPendingException' && Date.now() < deadline) continue
        if (name === 'SlowDownException' && Date.now() < deadline) {
          interval += 5
          continue
        }
        if (name === 'ExpiredTokenException' || name === 'AuthorizationPendingException' || name === 'SlowDownException') {
          throw new VaultError('STS_FAILED', `the SSO sign-in to ${this.startUrl} was not approved in time`, {
            cause: error,
            suggestions: ['run the command again and approve the request in the browser'],
          })
        }
        if (name === 'AccessDeniedException') {
          throw new VaultError('STS_FAILED', `the SSO sign-in to ${this.startUrl} was denied`, {cause: error})
        }
        throw ssoFailure(`signing in to ${this.startUrl}`, error)
      }
    }
  }
}

/**
 * SSO role credentials, as aws-vault gets them: an access token for the start URL (cached in the
 * store under `oidc:<start url>`, refreshed when sso_registration_scopes gave a refresh token,
 * otherwise from the device flow), then GetRoleCredentials. A cached token the portal refuses
 * is dropped and one fresh sign-in is tried.
 */
export function ssoProvider(profile: ResolvedProfile, deps: SourceDeps): CredentialProvider {
  return async (): Promise<Credentials> => {
    const {accountId, roleName, startUrl} = required(profile)
    const login = new SsoLogin(profile, deps, startUrl)
    const {getRoleCredentials} = await import('../../sts/sso.ts')
    const target = ssoTarget(profile, deps.env)
    // Profiles sharing a start URL share one sign-in, across processes too.
    const scope = JSON.stringify([homedir(), deps.env.AWS_VAULT_BACKEND ?? '', deps.env.AWS_VAULT_FILE_DIR ?? ''])
    const {cached, token} = await withLock(`${scope}\0${oidcTokenKey(startUrl)}`, () => login.token(), {
      onWait: () => deps.debug(`waiting for another vault process signing in to ${startUrl}`),
    })
    deps.debug(`profile ${profile.name}: GetRoleCredentials ${accountId}/${roleName}${cached ? ' with the cached SSO token' : ''}`)
    try {
      return await getRoleCredentials(target, token.accessToken, accountId, roleName)
    } catch (error) {
      if (!(cached && error instanceof Error && error.name === 'UnauthorizedException')) {
        throw ssoFailure(`GetRoleCredentials for ${accountId}/${roleName}`, error, [
          'check sso_account_id and sso_role_name',
          `or sign in again after \`vault clear ${profile.name}\``,
        ])
      }
      deps.debug(`the SSO portal refused the cached token of ${startUrl}: signing in again`)
      await login.forget()
      const fresh = await withLock(`${scope}\0${oidcTokenKey(startUrl)}`, () => login.login())
      try {
        return await getRoleCredentials(target, fresh.accessToken, accountId, roleName)
      } catch (retryError) {
        throw ssoFailure(`GetRoleCredentials for ${accountId}/${roleName}`, retryError, ['check sso_account_id and sso_role_name'])
      }
    }
  }
}
