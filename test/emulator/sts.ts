// STS actions over the identities: temporary credentials with AWS's limits and texts.
import {isoSeconds, type Clock} from './clock.ts'
import {AwsError, accessDenied, messages, notAuthorized, validationError} from './errors.ts'
import {
  callerAccount,
  callerArn,
  callerHasMfa,
  callerIamUser,
  callerUserId,
  sessionArn,
  sessionUserId,
  type Identities,
} from './identities.ts'
import type {Caller, Role, Session, User} from './model.ts'
import {listParam, type XmlNode} from './query-protocol.ts'
import {acceptCode} from './totp.ts'
import {trustAllows} from './trust.ts'
import {Constraints, intParam, NAME_PATTERN, requireParam, SERIAL_PATTERN, TOKEN_CODE_PATTERN} from './validation.ts'
import type {WebIdentityKeys} from './web-identity.ts'

export interface StsContext {
  identities: Identities
  clock: Clock
  webIdentity: WebIdentityKeys
  params: Record<string, string>
}

export interface SignedStsContext extends StsContext {
  caller: Caller
}

const CHAINING_LIMIT = 3600

const credentialsXml = (session: Session): XmlNode => ({
  AccessKeyId: session.accessKeyId,
  SecretAccessKey: session.secretAccessKey,
  SessionToken: session.sessionToken,
  Expiration: isoSeconds(session.expiresAt),
})

const assumedRoleUserXml = (session: Session): XmlNode => ({AssumedRoleId: sessionUserId(session), Arn: sessionArn(session)})

// A rough share of the packed-policy budget that session policies and tags take, as a whole percentage.
const packedPolicySize = (params: Record<string, string>): number | undefined => {
  const packed = Object.entries(params).filter(([name]) => /^(Tags|PolicyArns|Policy|TransitiveTagKeys)\b/.test(name))
  if (packed.length === 0) return undefined
  const bytes = packed.reduce((sum, [name, value]) => sum + name.length + value.length, 0)
  return Math.max(1, Math.ceil((bytes / 2048) * 100))
}

const checkMfaFields = (constraints: Constraints, params: Record<string, string>): Constraints =>
  constraints
    .length(params.SerialNumber, 'serialNumber', 9, 256)
    .pattern(params.SerialNumber, 'serialNumber', SERIAL_PATTERN)
    .length(params.TokenCode, 'tokenCode', 6, 6)
    .pattern(params.TokenCode, 'tokenCode', TOKEN_CODE_PATTERN)

// True when the request carried a valid, unused code for one of the user's devices; throws AWS's MFA errors otherwise.
const verifyMfa = (ctx: StsContext, user: User | undefined, serial: string | undefined, code: string | undefined): boolean => {
  if (serial === undefined && code === undefined) return false
  const device = serial === undefined ? undefined : ctx.identities.mfaDevices.get(serial)
  if (!device || device.user !== user) throw accessDenied(messages.mfaUnknownDevice)
  if (code === undefined || !acceptCode(device, code, ctx.clock.now())) throw accessDenied(messages.mfaInvalidCode)
  return true
}

const getCallerIdentity = ({caller}: SignedStsContext): XmlNode => ({
  UserId: callerUserId(caller),
  Account: callerAccount(caller),
  Arn: callerArn(caller),
})

const getSessionToken = (ctx: SignedStsContext): XmlNode => {
  const {caller, params} = ctx
  if (caller.kind === 'session') throw accessDenied(messages.sessionTokenFromSession)
  const duration = intParam(params, 'DurationSeconds')
  checkMfaFields(new Constraints().range(duration, 'durationSeconds', 900, 129600), params).check()
  const mfa = verifyMfa(ctx, caller.user, params.SerialNumber, params.TokenCode)
  const session = ctx.identities.createSession(
    {source: 'GetSessionToken', account: caller.user.account, user: caller.user, mfa, chained: false, tags: {}, transitiveTagKeys: []},
    duration ?? 43200,
  )
  return {Credentials: credentialsXml(session)}
}

const validateRoleRequest = (params: Record<string, string>, duration: number | undefined): Constraints =>
  new Constraints()
    .length(params.RoleArn, 'roleArn', 20, 2048)
    .length(params.RoleSessionName, 'roleSessionName', 2, 64)
    .pattern(params.RoleSessionName, 'roleSessionName', NAME_PATTERN)
    .range(duration, 'durationSeconds', 900, 43200)

const requestTags = (params: Record<string, string>): Record<string, string> =>
  Object.fromEntries(listParam(params, 'Tags', ['Key', 'Value']).map((tag) => [tag.Key ?? '', tag.Value ?? '']))

const assumeRole = (ctx: SignedStsContext): XmlNode => {
  const {caller, params, identities} = ctx
  const roleArn = requireParam(params, 'RoleArn')
  const sessionName = requireParam(params, 'RoleSessionName')
  const duration = intParam(params, 'DurationSeconds')
  checkMfaFields(validateRoleRequest(params, duration), params)
    .length(params.ExternalId, 'externalId', 2, 1224)
    .pattern(params.ExternalId, 'externalId', String.raw`[\w+=,.@:\/-]*`)
    .length(params.SourceIdentity, 'sourceIdentity', 2, 64)
    .pattern(params.SourceIdentity, 'sourceIdentity', NAME_PATTERN)
    .check()

  const denied = () => notAuthorized(callerArn(caller), 'sts:AssumeRole', roleArn)
  if (caller.kind === 'session' && caller.session.source === 'GetFederationToken') throw denied()
  const chained = caller.kind === 'session'
  if (chained && duration !== undefined && duration > CHAINING_LIMIT) throw validationError(messages.chainingLimit)

  const mfa = verifyMfa(ctx, callerIamUser(caller), params.SerialNumber, params.TokenCode) || callerHasMfa(caller)
  const role = identities.roles.get(roleArn)
  if (!role || !trustAllows(role, caller, {mfa, externalId: params.ExternalId})) throw denied()
  if (duration !== undefined && duration > role.maxSessionDuration) throw validationError(messages.maxSessionDuration)

  const inherited = caller.kind === 'session' ? caller.session : undefined
  const inheritedTags = Object.fromEntries((inherited?.transitiveTagKeys ?? []).map((key) => [key, inherited!.tags[key] ?? '']))
  const session = identities.createSession(
    {
      source: 'AssumeRole',
      account: role.account,
      role,
      sessionName,
      mfa,
      chained,
      tags: {...inheritedTags, ...requestTags(params)},
      transitiveTagKeys: [...new Set([...(inherited?.transitiveTagKeys ?? []), ...listParam(params, 'TransitiveTagKeys')])],
      sourceIdentity: inherited?.sourceIdentity ?? params.SourceIdentity,
    },
    duration ?? 3600,
  )
  return {
    Credentials: credentialsXml(session),
    AssumedRoleUser: assumedRoleUserXml(session),
    PackedPolicySize: packedPolicySize(params),
    SourceIdentity: session.sourceIdentity,
  }
}

const getFederationToken = (ctx: SignedStsContext): XmlNode => {
  const {caller, params} = ctx
  if (caller.kind === 'session') throw accessDenied(messages.federationTokenFromSession)
  const name = requireParam(params, 'Name')
  const duration = intParam(params, 'DurationSeconds')
  new Constraints().length(name, 'name', 2, 32).pattern(name, 'name', NAME_PATTERN).range(duration, 'durationSeconds', 900, 129600).check()
  const session = ctx.identities.createSession(
    {
      source: 'GetFederationToken',
      account: caller.user.account,
      user: caller.user,
      federatedName: name,
      mfa: false,
      chained: false,
      tags: requestTags(params),
      transitiveTagKeys: [],
    },
    duration ?? 43200,
  )
  return {
    Credentials: credentialsXml(session),
    FederatedUser: {FederatedUserId: sessionUserId(session), Arn: sessionArn(session)},
    PackedPolicySize: packedPolicySize(params),
  }
}

const audiences = (aud: string | string[]): string[] => (Array.isArray(aud) ? aud : [aud])

const assumeRoleWithWebIdentity = (ctx: StsContext): XmlNode => {
  const {params, identities} = ctx
  const roleArn = requireParam(params, 'RoleArn')
  const sessionName = requireParam(params, 'RoleSessionName')
  const token = requireParam(params, 'WebIdentityToken')
  const duration = intParam(params, 'DurationSeconds')
  validateRoleRequest(params, duration).length(token, 'webIdentityToken', 4, 20000).check()

  const claims = ctx.webIdentity.verify(token, ctx.clock.now())
  const role: Role | undefined = identities.roles.get(roleArn)
  const provider = identities.oidcProviders.get(claims.iss.replace(/\/$/, ''))
  if (!provider || (role && provider.account !== role.account)) {
    throw new AwsError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${claims.iss}`, 400)
  }
  const audience = audiences(claims.aud).find((candidate) => provider.clientIds.includes(candidate))
  if (!audience) throw new AwsError('InvalidIdentityToken', 'Incorrect token audience', 400)
  if (!role?.trust.federated.some((entry) => entry === provider.arn || entry.replace(/\/$/, '') === provider.url)) {
    throw accessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity')
  }
  if (duration !== undefined && duration > role.maxSessionDuration) throw validationError(messages.maxSessionDuration)
  const session = identities.createSession(
    {
      source: 'AssumeRoleWithWebIdentity',
      account: role.account,
      role,
      sessionName,
      mfa: false,
      chained: false,
      tags: {},
      transitiveTagKeys: [],
    },
    duration ?? 3600,
  )
  return {
    Credentials: credentialsXml(session),
    SubjectFromWebIdentityToken: claims.sub,
    AssumedRoleUser: assumedRoleUserXml(session),
    Provider: claims.iss,
    Audience: audience,
  }
}

export const signedStsActions: Record<string, (ctx: SignedStsContext) => XmlNode> = {
  GetCallerIdentity: getCallerIdentity,
  GetSessionToken: getSessionToken,
  AssumeRole: assumeRole,
  GetFederationToken: getFederationToken,
}

// Actions AWS serves without a signature: the token in the request is the proof.
export const unsignedStsActions: Record<string, (ctx: StsContext) => XmlNode> = {
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
}
