// `vault list` (or `ls`) with its modes and --json, answered before oclif loads through the same
// VaultContext, plugin hooks, backend and list code as the command: the config's profiles and the names of
// the store's items. Anything it is unsure of is left to the full command, having printed nothing.
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {listLines, listMode, listVault} from '../list/index.ts'
import {oclifDir, type PackageJson} from '../registry/plugin-hooks.ts'
import {listRequest} from './argv.ts'
import {startContext, unlessRunDry} from './context.ts'
import {writeStdout} from './stdout.ts'

/** Prints what `vault list` prints for argv and returns true, or returns false having printed nothing. */
export async function listFromStart(root: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const request = listRequest(argv)
  if (request === undefined) return false
  const start = startContext(root, env, request.flags)
  if (!start) return false
  // oclif colours --json output with a theme, when there is one and stdout is a terminal: left to it.
  if (request.json && hasTheme(start.hooks.pjson, env)) return false
  try {
    // Two modes at once throws: the full command words that.
    const mode = listMode(Object.fromEntries(request.modes.map((flag) => [flag, true])))
    const result = await unlessRunDry(listVault(start.vault, mode))
    if (!result || start.warnings.length > 0) return false
    // The base command's --json envelope, as oclif prints it without a theme.
    const lines = request.json ? [JSON.stringify({result, status: 0, warnings: []}, null, 2)] : listLines(result)
    writeStdout(lines.map((line) => `${line}\n`).join(''))
    return true
  } catch {
    return false
  }
}

/** A theme for oclif's JSON output: the host's own, or the user's theme.json in oclif's config directory. */
function hasTheme(pjson: PackageJson, env: NodeJS.ProcessEnv): boolean {
  return pjson.oclif?.theme !== undefined || existsSync(join(oclifDir(pjson, env, 'config'), 'theme.json'))
}
