import {VaultError} from '../errors.ts'
import type {Registered} from './types.ts'

/**
 * The registered backend with this id, or a usage error listing the ids that exist.
 * Pure: whether the backend is available is the caller's question.
 */
export function selectById<T extends {id: string}>(entries: ReadonlyArray<Registered<T>>, id: string): Registered<T> {
  const found = entries.find((entry) => entry.descriptor.id === id)
  if (found !== undefined) return found
  const ids = entries.map((entry) => entry.descriptor.id)
  const available = ids.length === 0 ? 'none is installed' : `available: ${ids.join(', ')}`
  throw new VaultError('BACKEND_UNKNOWN', `Unknown backend "${id}" (${available})`, {
    suggestions: ids.length === 0 ? ['Install a backend plugin: vault plugins install <name>'] : [`Use one of: ${ids.join(', ')}`],
  })
}
