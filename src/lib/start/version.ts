// `vault --version` prints oclif's user agent line; oclif loads its Config (plugins, manifests, the WSL
// probe) to print it. The line is answered here from package.json instead, as oclif 5.1 words it
// (`<name>/<version> <platform>-<arch> node-<node version>`), wherever nothing could make oclif's differ.
import {readFileSync} from 'node:fs'
import {arch, platform, release} from 'node:os'

import {pluginHooks} from '../registry/plugin-hooks.ts'

export {writeStdout} from './stdout.ts'

/** oclif's `--version` line, or undefined where oclif must print it (a hook around it, WSL, debug output). */
export function versionLine(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DEBUG || env.VAULT_DEBUG) return undefined
  // oclif calls WSL `wsl`: its probe reads more than this one does, so WSL is left to it.
  if (platform() === 'linux' && (release().toLowerCase().includes('microsoft') || procVersion().includes('microsoft'))) return undefined
  const hooks = pluginHooks(root, env)
  if (!hooks || hooks.events.has('init') || hooks.events.has('finally')) return undefined
  const pjson = hooks.host.pjson as {name?: string; version?: string; oclif?: {additionalVersionFlags?: unknown}}
  if (!pjson.name || pjson.oclif?.additionalVersionFlags !== undefined) return undefined
  const cpu = arch() === 'ia32' ? 'x86' : arch()
  return `${pjson.name}/${pjson.version || '0.0.0'} ${platform()}-${cpu} node-${process.version}`
}

function procVersion(): string {
  try {
    return readFileSync('/proc/version', 'utf8').toLowerCase()
  } catch {
    return ''
  }
}
