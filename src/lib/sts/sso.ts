/**
 * IAM Identity Center calls (OIDC device authorization and the SSO portal), loaded lazily like
 * every SDK client. Errors keep their AWS name so the flow can tell pending from refused.
 */
import type {Credentials} from '../plugin-api/index.ts'

import {answeredCredentials} from './credentials.ts'
import {clientLimits, type CallLimits} from './limits.ts'

export interface SsoTarget {
  region: string
  /** Endpoint overrides: AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL_SSO, else AWS_ENDPOINT_URL or endpoint_url. */
  oidcEndpoint?: string
  portalEndpoint?: string
  /** Attempts and timeouts set in the environment; the defaults otherwise. */
  limits?: CallLimits
}

export interface RegisteredClient {
  clientId: string
  clientSecret: string
  /** Seconds since the epoch. */
  clientSecretExpiresAt: number
}

export interface DeviceAuthorization {
  deviceCode: string
  userCode: string
  verificationUri: string
  verificationUriComplete: string
  expiresIn: number
  interval: number
}

export interface OidcToken {
  accessToken: string
  expiresIn: number
  tokenType?: string
  refreshToken?: string
  idToken?: string
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

async function oidcClient(target: SsoTarget) {
  const {SSOOIDCClient} = await import('@aws-sdk/client-sso-oidc')
  return new SSOOIDCClient({
    region: target.region,
    ...(target.oidcEndpoint ? {endpoint: target.oidcEndpoint} : {}),
    ...clientLimits(target.limits),
  })
}

export async function registerClient(target: SsoTarget, scopes: string[]): Promise<RegisteredClient> {
  const {RegisterClientCommand} = await import('@aws-sdk/client-sso-oidc')
  const client = await oidcClient(target)
  try {
    const answer = await client.send(
      new RegisterClientCommand({clientName: 'vault', clientType: 'public', ...(scopes.length > 0 ? {scopes} : {})}),
    )
    return {
      clientId: answer.clientId ?? '',
      clientSecret: answer.clientSecret ?? '',
      clientSecretExpiresAt: answer.clientSecretExpiresAt ?? 0,
    }
  } finally {
    client.destroy()
  }
}

export async function startDeviceAuthorization(
  target: SsoTarget,
  client: RegisteredClient,
  startUrl: string,
): Promise<DeviceAuthorization> {
  const {StartDeviceAuthorizationCommand} = await import('@aws-sdk/client-sso-oidc')
  const oidc = await oidcClient(target)
  try {
    const answer = await oidc.send(
      new StartDeviceAuthorizationCommand({clientId: client.clientId, clientSecret: client.clientSecret, startUrl}),
    )
    return {
      deviceCode: answer.deviceCode ?? '',
      expiresIn: answer.expiresIn ?? 600,
      interval: answer.interval ?? 5,
      userCode: answer.userCode ?? '',
      verificationUri: answer.verificationUri ?? '',
      verificationUriComplete: answer.verificationUriComplete ?? answer.verificationUri ?? '',
    }
  } finally {
    oidc.destroy()
  }
}

/** One CreateToken call: the device code once approved, or a refresh token. */
export async function createToken(
  target: SsoTarget,
  client: RegisteredClient,
  grant: {deviceCode: string} | {refreshToken: string},
): Promise<OidcToken> {
  const {CreateTokenCommand} = await import('@aws-sdk/client-sso-oidc')
  const oidc = await oidcClient(target)
  try {
    const answer = await oidc.send(
      new CreateTokenCommand({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        ...('deviceCode' in grant
          ? {deviceCode: grant.deviceCode, grantType: DEVICE_GRANT}
          : {grantType: 'refresh_token', refreshToken: grant.refreshToken}),
      }),
    )
    return {
      accessToken: answer.accessToken ?? '',
      expiresIn: answer.expiresIn ?? 0,
      ...(answer.tokenType ? {tokenType: answer.tokenType} : {}),
      ...(answer.refreshToken ? {refreshToken: answer.refreshToken} : {}),
      ...(answer.idToken ? {idToken: answer.idToken} : {}),
    }
  } finally {
    oidc.destroy()
  }
}

export async function getRoleCredentials(
  target: SsoTarget,
  accessToken: string,
  accountId: string,
  roleName: string,
): Promise<Credentials> {
  const {GetRoleCredentialsCommand, SSOClient} = await import('@aws-sdk/client-sso')
  const sso = new SSOClient({
    region: target.region,
    ...(target.portalEndpoint ? {endpoint: target.portalEndpoint} : {}),
    ...clientLimits(target.limits),
  })
  try {
    const {roleCredentials: c} = await sso.send(new GetRoleCredentialsCommand({accessToken, accountId, roleName}))
    return answeredCredentials(c, 'the SSO portal')
  } finally {
    sso.destroy()
  }
}
