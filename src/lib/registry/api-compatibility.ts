import {apiVersion} from '../plugin-api/index.ts'

/** The package whose version a plugin's peer dependency range names: the host, and so its plugin API. */
export const HOST_PACKAGE = '@vault-aws/cli'

export interface PluginApiRequirement {
  name: string
  type: string
  isRoot: boolean
  /** The plugin's `peerDependencies["@vault-aws/cli"]`, as written. */
  apiRange?: string | undefined
}

/** The range a plugin's package.json asks for, if it asks for one. */
export function apiRangeOf(pjson: unknown): string | undefined {
  const peers = (pjson as {peerDependencies?: unknown} | undefined)?.peerDependencies
  if (typeof peers !== 'object' || peers === null) return undefined
  const range = (peers as Record<string, unknown>)[HOST_PACKAGE]
  return typeof range === 'string' ? range : undefined
}

/**
 * One warning, naming the plugin, for each plugin that asks for a plugin API this host does not
 * provide. Bundled plugins are released with the host (the suite checks their ranges), so only
 * plugins the user installed or linked are looked at, and the semver parser loads only for them.
 */
export async function apiWarnings(plugins: readonly PluginApiRequirement[], provided: string = apiVersion): Promise<string[]> {
  const asking = plugins.filter((plugin) => !plugin.isRoot && plugin.type !== 'core' && plugin.apiRange !== undefined)
  if (asking.length === 0) return []
  const {default: semver} = await import('semver')
  const warnings: string[] = []
  for (const {name, apiRange} of asking) {
    const range = apiRange as string
    if (semver.validRange(range) === null) {
      warnings.push(
        `Plugin ${name}: its peerDependencies["${HOST_PACKAGE}"] is "${range}", which is not a version range; vault provides plugin API ${provided}`,
      )
    } else if (!semver.satisfies(provided, range, {includePrerelease: true})) {
      warnings.push(
        `Plugin ${name}: it asks for plugin API ${range} (peerDependencies["${HOST_PACKAGE}"]) and this vault provides ${provided}; update vault or the plugin`,
      )
    }
  }
  return warnings
}
