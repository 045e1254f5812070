// One error type for every service; each protocol writer turns it into that service's wire shape.

export class AwsError extends Error {
  readonly code: string
  readonly status: number
  readonly fault: 'Sender' | 'Receiver'
  // SSO-OIDC's OAuth-style `error` member (e.g. authorization_pending)
  readonly oauthError?: string

  constructor(code: string, message: string, status = 400, options: {fault?: 'Sender' | 'Receiver'; oauthError?: string} = {}) {
    super(message)
    this.name = 'AwsError'
    this.code = code
    this.status = status
    this.fault = options.fault ?? (status >= 500 ? 'Receiver' : 'Sender')
    this.oauthError = options.oauthError
  }
}

// The texts below are AWS's own, because callers (and our logic) match on them.
export const messages = {
  invalidToken: 'The security token included in the request is invalid.',
  expiredToken: 'The security token included in the request is expired',
  signatureMismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  missingAuth: 'Request is missing Authentication Token',
  chainingLimit: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
  maxSessionDuration: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
  mfaInvalidCode: 'MultiFactorAuthentication failed with invalid MFA one time pass code.',
  mfaUnknownDevice:
    'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
  sessionTokenFromSession: 'Cannot call GetSessionToken with session credentials',
  federationTokenFromSession: 'Cannot call GetFederationToken with session credentials',
  userNameRequired: 'Must specify userName when calling with non-User credentials',
  accessKeyQuota: 'Cannot exceed quota for AccessKeysPerUser: 2',
  rateExceeded: 'Rate exceeded',
} as const

export const invalidClientTokenId = (): AwsError => new AwsError('InvalidClientTokenId', messages.invalidToken, 403)
export const expiredToken = (): AwsError => new AwsError('ExpiredToken', messages.expiredToken, 403)
export const signatureDoesNotMatch = (message: string = messages.signatureMismatch): AwsError =>
  new AwsError('SignatureDoesNotMatch', message, 403)
export const accessDenied = (message: string): AwsError => new AwsError('AccessDenied', message, 403)
export const validationError = (message: string): AwsError => new AwsError('ValidationError', message, 400)

export const notAuthorized = (principalArn: string, action: string, resource: string, suffix = ''): AwsError =>
  accessDenied(`User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}${suffix}`)

// Statuses of codes a test may inject by name alone.
const defaultStatuses: Record<string, number> = {
  AccessDenied: 403,
  ExpiredToken: 403,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  InternalFailure: 500,
  ServiceFailure: 500,
  ServiceUnavailable: 503,
  Throttling: 400,
  NoSuchEntity: 404,
  LimitExceeded: 409,
  TooManyRequestsException: 429,
  UnauthorizedException: 401,
  ForbiddenException: 403,
  InternalServerException: 500,
  InvalidClientException: 401,
}

export interface ErrorSpec {
  code: string
  message?: string
  status?: number
}

export const fromSpec = (spec: string | ErrorSpec): AwsError => {
  const {code, message, status} = typeof spec === 'string' ? {code: spec} : spec
  return new AwsError(code, message ?? `Injected ${code}`, status ?? defaultStatuses[code] ?? 400)
}
