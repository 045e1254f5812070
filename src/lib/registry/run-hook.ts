import type {Config} from '@oclif/core'

import type {VaultHookEvent, VaultHookEvents, VaultHooks} from '../plugin-api/index.ts'
import {apiRangeOf} from './api-compatibility.ts'
import type {PluginRef} from './types.ts'

/** What the registry needs from oclif's Config. */
export type HookHost = Pick<Config, 'runHook' | 'pjson'>

export interface AnsweringPlugin extends PluginRef {
  isRoot: boolean
  /** The plugin API versions it asks for (its `peerDependencies["@vault-aws/cli"]`). */
  apiRange?: string
}

export interface HookAnswers {
  /** Raw hook results: untrusted until validated. */
  successes: Array<{plugin: AnsweringPlugin; result: unknown}>
  failures: Array<{plugin: AnsweringPlugin; error: unknown}>
}

/**
 * Runs one vault event across all plugins, capturing each plugin's error or timeout
 * instead of throwing. Answers come back in a stable plugin order (see {@link comparePlugins})
 * rather than oclif's completion order, so "first wins" does not depend on timing.
 */
export async function runVaultHook(host: HookHost, event: VaultHookEvent, timeoutMs: number): Promise<HookAnswers> {
  const options: VaultHookEvents[typeof event]['options'] = {}
  // oclif's hook timeout does not keep the process alive: a hook that never settles and holds
  // nothing open would let the event loop run dry, and Node would end vault (exit 13) instead
  // of reporting the plugin once the timeout is over.
  const keepAlive = setTimeout(() => {}, timeoutMs + 1000)
  let answers: Awaited<ReturnType<typeof host.runHook<typeof event, VaultHooks>>>
  try {
    answers = await host.runHook<typeof event, VaultHooks>(event, options, timeoutMs, true)
  } finally {
    clearTimeout(keepAlive)
  }
  const compare = comparePlugins(host)
  const ref = (plugin: Omit<AnsweringPlugin, 'apiRange'> & {pjson?: unknown}): AnsweringPlugin => ({
    name: plugin.name,
    type: plugin.type,
    isRoot: plugin.isRoot,
    apiRange: apiRangeOf(plugin.pjson),
  })
  // Array#sort is stable: several hook files of one plugin keep their declared order.
  return {
    successes: answers.successes
      .map(({plugin, result}) => ({plugin: ref(plugin), result: result as unknown}))
      .sort((a, b) => compare(a.plugin, b.plugin)),
    failures: answers.failures
      .map(({plugin, error}) => ({plugin: ref(plugin), error: error as unknown}))
      .sort((a, b) => compare(a.plugin, b.plugin)),
  }
}

type PluginOrder = Pick<AnsweringPlugin, 'name' | 'isRoot'>

/**
 * The host itself first, then the plugins it bundles in the order its `oclif.plugins`
 * lists them, then every other plugin (user-installed, linked, nested) by name.
 * oclif loads plugins in parallel, so its own plugin map has no dependable order.
 */
export function comparePlugins(host: Pick<HookHost, 'pjson'>): (a: PluginOrder, b: PluginOrder) => number {
  const listed = (host.pjson.oclif.plugins ?? []).filter((entry): entry is string => typeof entry === 'string')
  const position = (plugin: PluginOrder): number => {
    if (plugin.isRoot) return -1
    const index = listed.indexOf(plugin.name)
    return index === -1 ? listed.length : index
  }
  return (a, b) => position(a) - position(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}
