import type {BackendContext, BackendDescriptor} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import {usableHere} from '../registry/usable-here.ts'

export interface BackendChoice {
  descriptor: BackendDescriptor
  pluginName: string
}

/**
 * The backend named by --backend/AWS_VAULT_BACKEND, else the first available one by priority.
 * Unlike aws-vault, a machine without a desktop keyring falls through to pass or file instead of failing.
 */
export async function selectBackend(
  entries: BackendChoice[],
  requestedId: string | undefined,
  ctx: BackendContext,
): Promise<BackendChoice> {
  const ids = entries.map((entry) => entry.descriptor.id)
  if (requestedId) {
    const entry = entries.find((candidate) => candidate.descriptor.id === requestedId)
    if (!entry) {
      throw new VaultError('BACKEND_UNKNOWN', `unknown backend "${requestedId}" (known: ${ids.join(', ') || 'none'})`, {
        suggestions: [
          'choose one of the ids `vault backends` lists',
          'install the plugin that provides it with `vault plugins install <name>`',
        ],
      })
    }
    const state = await usableHere(entry.descriptor, ctx)
    if (!state.available) {
      throw new VaultError('BACKEND_UNAVAILABLE', `backend "${requestedId}" is not usable here: ${state.reason ?? 'unavailable'}`, {
        suggestions: ['see `vault backends` for what each backend needs'],
      })
    }
    return entry
  }
  const ordered = [...entries].sort((a, b) => b.descriptor.priority - a.descriptor.priority)
  const reasons: string[] = []
  for (const entry of ordered) {
    const state = await usableHere(entry.descriptor, ctx)
    if (state.available) return entry
    reasons.push(`${entry.descriptor.id}: ${state.reason ?? 'unavailable'}`)
  }
  throw new VaultError('BACKEND_UNAVAILABLE', `no usable backend (${reasons.join('; ') || 'none installed'})`, {
    suggestions: ['see `vault backends`', 'choose one with --backend or AWS_VAULT_BACKEND'],
  })
}
