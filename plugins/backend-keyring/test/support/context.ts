import type {BackendContext} from '@vault-aws/cli/plugin-api'

import {itemCodec} from '../../../../src/lib/keyring/item-codec.ts'

export function context(env: Record<string, string | undefined>): BackendContext & {debugged: string[]} {
  const debugged: string[] = []
  return {
    env,
    findExecutable: () => undefined, // this backend runs no program
    homedir: '/nonexistent-home',
    items: itemCodec,
    debugged,
    debug: (message: string) => void debugged.push(message),
    promptSecret: async () => {
      throw new Error('the keyring backend never asks for a secret on the terminal')
    },
  }
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
