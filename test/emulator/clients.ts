// SDK clients pointed at an emulator, for the emulator's own tests.
import {IAMClient} from '@aws-sdk/client-iam'
import {SSOClient} from '@aws-sdk/client-sso'
import {SSOOIDCClient} from '@aws-sdk/client-sso-oidc'
import {STSClient, type Credentials} from '@aws-sdk/client-sts'
import type {Emulator, KeyPair} from './index.ts'

export interface ClientCredentials extends KeyPair {
  sessionToken?: string
}

const common = (emulator: Emulator) => ({endpoint: emulator.url, region: 'us-east-1'})

export const sts = (emulator: Emulator, credentials?: ClientCredentials, options: {maxAttempts?: number} = {}): STSClient =>
  new STSClient({
    ...common(emulator),
    credentials: credentials ?? {accessKeyId: 'AKIAUNSIGNEDREQUESTS', secretAccessKey: 'unused'},
    maxAttempts: options.maxAttempts,
  })

export const iam = (emulator: Emulator, credentials: ClientCredentials, options: {maxAttempts?: number} = {}): IAMClient =>
  new IAMClient({...common(emulator), credentials, maxAttempts: options.maxAttempts})

export const sso = (emulator: Emulator): SSOClient => new SSOClient(common(emulator))

export const oidc = (emulator: Emulator): SSOOIDCClient => new SSOOIDCClient(common(emulator))

export const fromStsCredentials = (credentials: Credentials | undefined): ClientCredentials => {
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken)
    throw new Error('no credentials in the response')
  return {accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken}
}

// The error a promise rejects with; fails the test when it resolves.
export const rejection = async (promise: Promise<unknown>): Promise<Error & {$metadata?: {httpStatusCode?: number; attempts?: number}}> => {
  try {
    await promise
  } catch (error) {
    return error as Error & {$metadata?: {httpStatusCode?: number}}
  }
  throw new Error('expected the call to fail, it succeeded')
}
