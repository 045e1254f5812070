import type {BackendContext} from '@vault-aws/cli/plugin-api'

import {backendContext, type Recorded} from '@vault-aws/cli/plugin-testkit'

/** No promptSecret and no PATH: the keyring backend never asks on the terminal and runs no program. */
export function context(env: Record<string, string | undefined>): BackendContext & Recorded {
  return backendContext({env})
}

export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (error) {
    return (error as {code?: string}).code
  }
  throw new Error('expected the call to fail')
}

export async function failureOf(promise: Promise<unknown>): Promise<Error & {code?: string}> {
  try {
    await promise
  } catch (error) {
    return error as Error & {code?: string}
  }
  throw new Error('expected the call to fail')
}
