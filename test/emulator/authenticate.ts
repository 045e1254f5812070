// Turns a signed request into the caller it proves to be, failing with the codes AWS uses.
import {AwsError, expiredToken, invalidClientTokenId, messages} from './errors.ts'
import type {Identities} from './identities.ts'
import type {Caller} from './model.ts'
import {parseAuthorization, verifySignature, type SignedRequest} from './sigv4.ts'

export const authenticate = async (
  request: SignedRequest,
  identities: Identities,
  emulatorNow: number,
  realNow: number,
): Promise<Caller> => {
  const header = request.headers.authorization
  if (!header) throw new AwsError('MissingAuthenticationToken', messages.missingAuth, 403)
  const auth = parseAuthorization(header)
  if (!auth)
    throw new AwsError(
      'IncompleteSignature',
      `Authorization header requires a valid AWS4-HMAC-SHA256 Credential, SignedHeaders and Signature.`,
      403,
    )
  const token = request.headers['x-amz-security-token']

  const key = identities.accessKey(auth.accessKeyId)
  if (key) {
    if (key.status !== 'Active' || token !== undefined) throw invalidClientTokenId()
    await verifySignature(request, auth, key.secretAccessKey, realNow)
    return {kind: 'user', user: key.user, key}
  }

  const session = identities.session(auth.accessKeyId)
  if (!session || token !== session.sessionToken) throw invalidClientTokenId()
  if (session.expiresAt <= emulatorNow) throw expiredToken()
  await verifySignature(request, auth, session.secretAccessKey, realNow)
  return {kind: 'session', session}
}

export const signedService = (authorization: string | undefined): string | undefined =>
  authorization ? parseAuthorization(authorization)?.service : undefined
