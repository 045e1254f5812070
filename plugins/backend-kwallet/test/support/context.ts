import type {BackendContext, Keyring} from '@vault-aws/cli/plugin-api'

import {backendContext, type Recorded} from '@vault-aws/cli/plugin-testkit'
import backends from '../../src/hooks/backends.ts'

/** No promptSecret and no PATH: the KWallet backend never asks on the terminal and runs no program. */
export function context(env: Record<string, string | undefined>): BackendContext & Recorded {
  return backendContext({env})
}

/** The descriptor the plugin's hook gives on this (Linux) machine. */
export async function kwalletDescriptor() {
  const [descriptor] = await backends()
  if (descriptor === undefined) throw new Error('the hook returned no backend')
  return descriptor
}

export async function openKeyring(env: Record<string, string | undefined>): Promise<Keyring> {
  return (await kwalletDescriptor()).open(context(env))
}
