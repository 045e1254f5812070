import {existsSync, readFileSync} from 'node:fs'
import {homedir, platform} from 'node:os'
import {dirname, join} from 'node:path'
import {pathToFileURL} from 'node:url'

import type {HookHost} from './run-hook.ts'

/** The parts of a package.json that decide which hooks oclif would run. */
export interface PackageJson {
  name?: string
  version?: string
  dependencies?: Record<string, string>
  /** Read by the registry for the plugin API a plugin asks for, as from oclif's plugins. */
  peerDependencies?: Record<string, string>
  oclif?: {
    dirname?: string
    bin?: string
    binAliases?: string[]
    plugins?: unknown[]
    devPlugins?: unknown[]
    jitPlugins?: Record<string, string>
    hooks?: Record<string, unknown>
    /** oclif's colours for --json output. */
    theme?: unknown
  }
}

interface HookFile {
  event: string
  plugin: {name: string; type: string; isRoot: boolean; pjson: PackageJson}
  root: string
  target: string
}

export interface PluginHooks {
  host: HookHost
  /** Every event some plugin has hooks for, with the plugins (root first) declaring them. */
  events: Map<string, string[]>
  /** The host's package.json. */
  pjson: PackageJson
}

/**
 * The @oclif/core minor release whose plugin and hook loading this module mirrors (which
 * package.json files and data directory it reads, how it finds a hook function, what a hook gets
 * as `this` and as options). package.json pins @oclif/core to this minor range; moving to
 * another means checking the mirror again: the start path's parity test runs both on the same
 * plugins, and a unit test fails until this constant names the installed release.
 */
export const MIRRORED_OCLIF_MINOR = '5.1'

/** Thrown from inside a hook that reaches for oclif's Config, which this host does not have. */
export class NoOclifConfig extends Error {}

/**
 * The hooks of vault, of the plugins it bundles and of those installed with `vault plugins install`,
 * read from their package.json files the way oclif reads them, without loading oclif: for the start
 * path that answers credential_process before oclif's Config exists. Gives up (undefined) wherever
 * oclif would know more, or other, plugins than that: linked plugins (oclif may run their TypeScript
 * sources), dev plugins, just-in-time plugins, plugins nested in another, or anything it cannot read.
 */
export function pluginHooks(root: string, env: Readonly<Record<string, string | undefined>>): PluginHooks | undefined {
  const pjson = readJson(join(root, 'package.json'))
  const oclif = pjson?.oclif
  if (!pjson?.name || !oclif) return undefined
  if ((oclif.devPlugins ?? []).length > 0 || Object.keys(oclif.jitPlugins ?? {}).length > 0) return undefined
  const installed = userPlugins(pjson, env)
  if (installed === undefined) return undefined
  const files: HookFile[] = []
  const events = new Map<string, string[]>()
  const add = (name: string, type: string, isRoot: boolean, pluginRoot: string, pluginJson: PackageJson): boolean => {
    for (const [event, value] of Object.entries(pluginJson.oclif?.hooks ?? {})) {
      const targets = Array.isArray(value) ? value : [value]
      if (!targets.every((target) => typeof target === 'string')) return false
      if (targets.length > 0) events.set(event, [...(events.get(event) ?? []), name])
      for (const target of targets) files.push({event, plugin: {isRoot, name, type, pjson: pluginJson}, root: pluginRoot, target})
    }
    return true
  }
  if (!add(pjson.name, 'core', true, root, pjson)) return undefined
  // As oclif: installed plugins first, so one named as a bundled plugin takes its place.
  const loaded = new Set([pjson.name])
  const addPlugin = (name: string, type: string, from: string): boolean => {
    if (loaded.has(name)) return true
    const pluginRoot = packageRoot(from, name)
    const plugin = pluginRoot ? readJson(join(pluginRoot, 'package.json')) : undefined
    if (!pluginRoot || !plugin) return false
    if ((plugin.oclif?.plugins ?? []).length > 0) return false
    loaded.add(plugin.name ?? name)
    return add(plugin.name ?? name, type, false, pluginRoot, plugin)
  }
  for (const name of installed.names) {
    if (!addPlugin(name, 'user', installed.dir)) return undefined
  }
  const dependencies = pjson.dependencies ?? {}
  for (const entry of oclif.plugins ?? []) {
    // oclif matches these as glob patterns against the dependencies: plain names only here.
    if (typeof entry !== 'string' || /[*?[\]{}!]/.test(entry)) return undefined
    if (!(entry in dependencies)) continue
    if (!addPlugin(entry, 'core', root)) return undefined
  }
  const runHook = async (event: string, options: object, timeout?: number) => {
    const successes: Array<{plugin: HookFile['plugin']; result: unknown}> = []
    const failures: Array<{plugin: HookFile['plugin']; error: unknown}> = []
    await Promise.all(
      groupByPlugin(files.filter((file) => file.event === event)).map(async (pluginFiles) => {
        for (const file of pluginFiles) {
          try {
            const module = (await import(pathToFileURL(join(file.root, file.target)).href)) as Record<string, unknown>
            const hook = findHookFunction(module)
            if (!hook) continue
            const context = hookContext()
            const result = await withTimeout(
              timeout,
              hook.call(context, {
                ...options,
                get config(): never {
                  throw new NoOclifConfig('no oclif Config')
                },
                context,
              }),
            )
            successes.push({plugin: file.plugin, result})
          } catch (error) {
            failures.push({error, plugin: file.plugin})
          }
        }
      }),
    )
    return {failures, successes}
  }
  return {events, host: {pjson, runHook} as unknown as HookHost, pjson}
}

/**
 * oclif's cache, config or data directory: `VAULT_CACHE_DIR` (`…_CONFIG_DIR`, `…_DATA_DIR`), else (the
 * cache on macOS) ~/Library/Caches/vault, else under XDG's directory, Windows' LOCALAPPDATA or the home.
 */
export function oclifDir(
  pjson: PackageJson,
  env: Readonly<Record<string, string | undefined>>,
  category: 'cache' | 'config' | 'data',
): string {
  const bin = (pjson.oclif?.bin ?? pjson.name ?? '').replaceAll('@', '').replaceAll(/[/-]/g, '_').toUpperCase()
  const scoped = env[`${bin}_${category.toUpperCase()}_DIR`]
  if (scoped) return scoped
  const home = env.HOME || homedir()
  const dirname = pjson.oclif?.dirname ?? pjson.name ?? ''
  if (category === 'cache' && platform() === 'darwin') return join(home, 'Library', 'Caches', dirname)
  const base =
    env[`XDG_${category.toUpperCase()}_HOME`] ||
    (platform() === 'win32' && env.LOCALAPPDATA) ||
    join(home, category === 'data' ? join('.local', 'share') : `.${category}`)
  return join(base, dirname)
}

/**
 * The plugins `vault plugins install` recorded in oclif's data directory, and that directory; none
 * without its package.json. Undefined where oclif would do more than load them: a linked plugin, a
 * file it cannot read.
 */
function userPlugins(pjson: PackageJson, env: Readonly<Record<string, string | undefined>>): {dir: string; names: string[]} | undefined {
  const dir = oclifDir(pjson, env, 'data')
  const file = join(dir, 'package.json')
  if (!existsSync(file)) return {dir, names: []}
  // oclif warns about a file it cannot read: the full command says so.
  const recorded = readJson(file)
  const plugins = recorded?.oclif?.plugins ?? []
  if (recorded === undefined || !Array.isArray(plugins)) return undefined
  const names: string[] = []
  for (const entry of plugins as unknown[]) {
    // oclif loads entries of type user and link only; a bare name has no type and is skipped.
    if (typeof entry !== 'object' || entry === null) continue
    const {name, root, type} = entry as {name?: unknown; root?: unknown; type?: unknown}
    if (type === 'link') return undefined
    if (type !== 'user') continue
    // A user entry with a root of its own is found from there by oclif.
    if (typeof name !== 'string' || root !== undefined) return undefined
    names.push(name)
  }
  return {dir, names}
}

function packageRoot(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

function readJson(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson
  } catch {
    return undefined
  }
}

function groupByPlugin(files: HookFile[]): HookFile[][] {
  const groups = new Map<string, HookFile[]>()
  for (const file of files) groups.set(file.plugin.name, [...(groups.get(file.plugin.name) ?? []), file])
  return [...groups.values()]
}

/** As oclif finds a hook: the default export, else the first exported function. */
function findHookFunction(module: Record<string, unknown>): ((...args: unknown[]) => unknown) | undefined {
  if (typeof module.default === 'function') return module.default as (...args: unknown[]) => unknown
  return Object.values(module).find((value): value is (...args: unknown[]) => unknown => typeof value === 'function')
}

/** What oclif gives a hook as `this`; anything that would print or exit refuses instead. */
function hookContext(): object {
  const refuse = (): never => {
    throw new NoOclifConfig('hook output needs oclif')
  }
  return {
    debug: () => {},
    error: refuse,
    exit: refuse,
    log: refuse,
    warn: refuse,
    get config(): never {
      return refuse()
    },
  }
}

async function withTimeout<T>(ms: number | undefined, work: T | Promise<T>): Promise<T> {
  if (!ms) return work
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms.`)), ms)
    timer.unref()
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
