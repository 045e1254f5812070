// The REST-JSON protocol of the SSO portal and SSO-OIDC: errors named by the x-amzn-errortype header and `__type`.
import type {AwsError} from './errors.ts'

export const SERVICE_IDS = {
  sso: 'com.amazonaws.switchboard.portal',
  'sso-oidc': 'com.amazonaws.switchboard.oidc',
} as const

export type JsonService = keyof typeof SERVICE_IDS

export interface JsonReply {
  status: number
  headers: Record<string, string>
  body: string
}

export const jsonError = (service: JsonService, error: AwsError): JsonReply => {
  const serviceId = SERVICE_IDS[service]
  const body: Record<string, unknown> =
    service === 'sso-oidc'
      ? {error: error.oauthError ?? error.code, error_description: error.message}
      : {message: error.message, __type: `${serviceId}#${error.code}`}
  return {
    status: error.status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': `${error.code}:http://internal.amazon.com/coral/${serviceId}/`,
    },
    body: JSON.stringify(body),
  }
}

export const jsonOk = (value: unknown): JsonReply => ({
  status: 200,
  headers: {'content-type': 'application/json'},
  body: JSON.stringify(value),
})
