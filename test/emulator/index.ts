// A local stand-in for AWS STS, IAM, IAM Identity Center (SSO portal and OIDC) and console federation.
// Start it with `await startEmulator(seed)`, point clients at `url`, assert on `calls`.
import {CallLog, type Call} from './call-log.ts'
import {Clock} from './clock.ts'
import type {ErrorSpec} from './errors.ts'
import {Faults, type HostileCredentials} from './faults.ts'
import {Federation, type VerifiedLogin} from './federation.ts'
import {Identities, sessionArn, sessionUserId} from './identities.ts'
import type {Seed, SessionSource} from './model.ts'
import {EmulatorServer} from './server.ts'
import {IdentityCenter} from './sso.ts'
import {currentCode} from './totp.ts'
import {WebIdentityKeys} from './web-identity.ts'

export type {Call, CallOutcome, CallPrincipal, ServiceName} from './call-log.ts'
export {REDACTED} from './call-log.ts'
export type {ErrorSpec} from './errors.ts'
export type {HostileCredentials} from './faults.ts'
export type {VerifiedLogin} from './federation.ts'
export {DEFAULT_ACCOUNT} from './model.ts'
export type {OidcProviderSeed, RoleSeed, Seed, SsoAccountSeed, SsoRoleSeed, SsoSeed, UserSeed} from './model.ts'

export interface KeyPair {
  accessKeyId: string
  secretAccessKey: string
}

export interface SeededUser {
  name: string
  account: string
  arn: string
  userId: string
  accessKeys: Array<KeyPair & {status: 'Active' | 'Inactive'}>
  mfaSerial?: string
}

export interface SeededRole {
  name: string
  account: string
  arn: string
  roleId: string
  maxSessionDuration: number
}

export interface SessionView {
  arn: string
  userId: string
  account: string
  source: SessionSource
  expiresAt: Date
  mfa: boolean
  chained: boolean
  tags: Record<string, string>
  transitiveTagKeys: string[]
  sourceIdentity?: string
}

export interface WebIdentityTokenOptions {
  issuer: string
  audience?: string | string[]
  subject?: string
  // Seconds from the emulator's now; negative for an already expired token
  expiresIn?: number
  claims?: Record<string, unknown>
}

export class Emulator {
  readonly #clock = new Clock()
  readonly #identities = new Identities(this.#clock)
  readonly #identityCenter = new IdentityCenter(this.#clock, this.#identities)
  readonly #federation = new Federation(this.#clock, this.#identities)
  readonly #webIdentity = new WebIdentityKeys()
  readonly #faults = new Faults()
  readonly #log = new CallLog()
  readonly #server = new EmulatorServer({
    clock: this.#clock,
    identities: this.#identities,
    identityCenter: this.#identityCenter,
    federation: this.#federation,
    webIdentity: this.#webIdentity,
    faults: this.#faults,
    log: this.#log,
  })

  // http://127.0.0.1:PORT, the endpoint for every service (console federation at `${url}/federation`)
  get url(): string {
    return this.#server.url
  }

  get federationUrl(): string {
    return `${this.#server.url}/federation`
  }

  async start(): Promise<this> {
    await this.#server.listen()
    return this
  }

  stop(): Promise<void> {
    return this.#server.close()
  }

  // --- identities ---

  seed(seed: Seed): this {
    for (const provider of seed.oidcProviders ?? []) this.#identities.addOidcProvider(provider)
    for (const user of seed.users ?? []) this.#identities.addUser(user)
    for (const role of seed.roles ?? []) this.#identities.addRole(role)
    if (seed.sso) this.#identityCenter.configure(seed.sso)
    return this
  }

  user(name: string): SeededUser {
    const user = this.#identities.user(name)
    return {
      name: user.name,
      account: user.account,
      arn: user.arn,
      userId: user.userId,
      accessKeys: user.accessKeys.map(({accessKeyId, secretAccessKey, status}) => ({accessKeyId, secretAccessKey, status})),
      mfaSerial: user.mfaDevices[0]?.serial,
    }
  }

  // The user's access key (the first by default), shaped for an SDK client's `credentials`.
  credentials(userName: string, index = 0): KeyPair {
    const key = this.#identities.user(userName).accessKeys[index]
    if (!key) throw new Error(`user ${userName} has no access key #${index}`)
    return {accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey}
  }

  role(name: string): SeededRole {
    const {arn, roleId, account, maxSessionDuration} = this.#identities.roleByName(name)
    return {name, arn, roleId, account, maxSessionDuration}
  }

  oidcProviderArn(url: string): string {
    const provider = this.#identities.oidcProviders.get(url.replace(/\/$/, ''))
    if (!provider) throw new Error(`no OIDC provider for ${url}`)
    return provider.arn
  }

  // A code the device shows now that has not been used yet.
  totp(serial: string): string {
    const device = this.#identities.mfaDevices.get(serial)
    if (!device) throw new Error(`no MFA device ${serial}`)
    return currentCode(device, this.#clock.now())
  }

  session(accessKeyId: string): SessionView | undefined {
    const session = this.#identities.session(accessKeyId)
    if (!session) return undefined
    return {
      arn: sessionArn(session),
      userId: sessionUserId(session),
      account: session.account,
      source: session.source,
      expiresAt: new Date(session.expiresAt),
      mfa: session.mfa,
      chained: session.chained,
      tags: {...session.tags},
      transitiveTagKeys: [...session.transitiveTagKeys],
      sourceIdentity: session.sourceIdentity,
    }
  }

  webIdentityToken(options: WebIdentityTokenOptions): string {
    const now = Math.floor(this.#clock.now() / 1000)
    return this.#webIdentity.mint({
      ...options.claims,
      iss: options.issuer,
      aud: options.audience ?? 'sts.amazonaws.com',
      sub: options.subject ?? 'subject',
      iat: now,
      exp: now + (options.expiresIn ?? 3600),
    })
  }

  // --- IAM Identity Center ---

  // An access token as if the device flow had completed, for tests about the portal only.
  ssoAccessToken(): {accessToken: string; expiresAt: Date} {
    return this.#identityCenter.issueAccessToken()
  }

  // Approves the device authorization with this user code (the latest pending one by default).
  approveDevice(userCode?: string): void {
    this.#identityCenter.approve(userCode)
  }

  denyDevice(userCode?: string): void {
    this.#identityCenter.deny(userCode)
  }

  pendingUserCodes(): string[] {
    return this.#identityCenter.pendingUserCodes()
  }

  // --- console federation ---

  // Checks a console login URL built from a SigninToken this emulator issued; throws if it would not sign in.
  verifyLoginUrl(loginUrl: string): VerifiedLogin {
    const url = new URL(loginUrl)
    if (url.searchParams.get('Action') !== 'login') throw new Error('not a login URL: Action=login is missing')
    return this.#federation.login(url.searchParams)
  }

  // --- observation ---

  get calls(): readonly Call[] {
    return this.#log.calls
  }

  callsOf(action: string): Call[] {
    return this.#log.of(action)
  }

  clearCalls(): void {
    this.#log.clear()
  }

  // --- faults and time ---

  // The next `times` calls of the action are throttled the way that service throttles.
  throttle(action: string, times: number): void {
    this.#faults.throttle(action, times)
  }

  latency(ms: number): void {
    this.#faults.latencyMs = ms
  }

  // Calls of the action fail with this error (every call unless `times` is given).
  fail(action: string, error: string | ErrorSpec, times?: number): void {
    this.#faults.fail(action, error, times)
  }

  // The next `times` successful answers of the action (every one unless given) carry these
  // credential fields instead of the real ones: expired, huge or malformed, as a hostile STS would.
  answerWith(action: string, credentials: HostileCredentials, times?: number): void {
    this.#faults.answerWith(action, credentials, times)
  }

  clearFaults(): void {
    this.#faults.clear()
  }

  now(): Date {
    return new Date(this.#clock.now())
  }

  // Moves the emulator's clock forward: credentials, tokens and MFA steps expire without waiting.
  advance(seconds: number): void {
    this.#clock.advance(seconds)
  }

  // Stops the emulator's clock (see Clock.freeze): MFA codes stay in their step however slow the test runs.
  freeze(): void {
    this.#clock.freeze()
  }
}

export const startEmulator = async (seed?: Seed): Promise<Emulator> => {
  const emulator = await new Emulator().start()
  if (seed) emulator.seed(seed)
  return emulator
}
