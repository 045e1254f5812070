// What every answer given before oclif loads shares: the hooks oclif would have run around the command,
// the global flags as oclif reads them, a VaultContext that may only read, and the plugin warnings that
// leave the answer to the full command. Nothing here prints.
import {completionOutOfDate} from '../completion/files.ts'
import {type PluginHooks, pluginHooks, oclifDir} from '../registry/plugin-hooks.ts'
import {globalFlagVariables, VaultContext, type GlobalFlagValues} from '../vault-context.ts'
import type {GlobalValueFlag} from './argv.ts'

/** Thrown where the full command has work to do that a start path must not start. */
class LeftToFullCommand extends Error {}

// oclif runs hooks for these events around every command: a start path would skip them.
const eventsAroundCommands = ['init', 'prerun', 'preparse', 'postrun', 'finally']

// The host's own hooks on those events that a start path may skip: its prerun hook acts on `plugins
// install` only, and its postrun hook, after other commands than the completion ones, only brings
// completion set up by another version of vault up to date (startContext leaves that case to oclif).
const hostEventsIdleHere = ['prerun', 'postrun']

export interface StartContext {
  vault: VaultContext
  hooks: PluginHooks
  /** What the work warned about: any warning leaves the answer to the full command, which prints it. */
  warnings: string[]
}

/**
 * A VaultContext that refuses anything but reading, with the global flags taken as oclif takes them (a
 * flag on the command line over its non-empty variable); undefined where only oclif can run the command:
 * its debug output, hooks around commands, plugins only oclif knows.
 */
export function startContext(
  root: string,
  env: NodeJS.ProcessEnv,
  commandLine: Partial<Record<GlobalValueFlag, string>>,
): StartContext | undefined {
  if (env.DEBUG || env.VAULT_DEBUG) return undefined
  const hooks = pluginHooks(root, env)
  if (!hooks) return undefined
  for (const [event, plugins] of hooks.events) {
    if (!eventsAroundCommands.includes(event)) continue
    if (!hostEventsIdleHere.includes(event) || plugins.some((plugin) => plugin !== hooks.host.pjson.name)) return undefined
  }
  if (hooks.events.has('postrun') && completionOutOfDate(completionHost(hooks, env))) return undefined
  const warnings: string[] = []
  const flags: GlobalFlagValues = {}
  for (const [flag, variable] of Object.entries(globalFlagVariables)) {
    if (env[variable]) flags[flag as keyof GlobalFlagValues] = env[variable]
  }
  Object.assign(flags, commandLine)
  const vault = new VaultContext({
    debug: () => {},
    flags,
    hooks: hooks.host,
    readOnly: {
      refuse(what) {
        throw new LeftToFullCommand(`${what} is left to the full command`)
      },
    },
    warn: (message) => warnings.push(message),
  })
  return {hooks, vault, warnings}
}

/**
 * The work's result, or undefined if it never settles and holds nothing open (a plugin's hook, say):
 * the event loop would run dry and Node end vault with code 13, where the full command reports it.
 */
export async function unlessRunDry<T>(work: Promise<T>): Promise<T | undefined> {
  let ranDry: () => void = () => {}
  const dry = new Promise<undefined>((resolve) => (ranDry = () => resolve(undefined)))
  process.once('beforeExit', ranDry)
  try {
    return await Promise.race([work, dry])
  } finally {
    process.off('beforeExit', ranDry)
  }
}

/** What the host's postrun hook knows of oclif's Config to find the completion files. */
function completionHost(hooks: PluginHooks, env: NodeJS.ProcessEnv): Parameters<typeof completionOutOfDate>[0] {
  const {pjson} = hooks
  return {
    bin: pjson.oclif?.bin ?? pjson.name ?? '',
    binAliases: pjson.oclif?.binAliases ?? [],
    cacheDir: oclifDir(pjson, env, 'cache'),
    version: pjson.version || '0.0.0',
  }
}
