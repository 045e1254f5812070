import type {BackendContext} from '@vault-aws/cli/plugin-api'

import {backendContext, failureOf, type Recorded} from '@vault-aws/cli/plugin-testkit'

/** No promptSecret and no PATH: the keyring backend never asks on the terminal and runs no program. */
export function context(env: Record<string, string | undefined>): BackendContext & Recorded {
  return backendContext({env})
}

export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return (await failureOf(promise)).code
}
