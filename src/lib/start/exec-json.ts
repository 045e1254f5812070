// `vault exec <profile> --json` (or `export <profile> --format json`, either with `--no-session`) is what
// credential_process runs before every AWS SDK client and every `aws` command starts. With a live cached
// session, or stored keys for `--no-session`, it is answered here, before oclif loads, through the same
// VaultContext, plugin hooks, backend, config and chain as the full command.
// This path may only read: a new session, a prompt, a credential source, a plugin warning or any
// error leaves it having written nothing, and the full command then runs from the start.
import {credentialProcessJson, formatCredentials} from '../output/credential-formats.ts'
import {bundledHooks} from '../registry/bundled-hooks.ts'
import {globalFlagVariables, VaultContext, type GlobalFlagValues} from '../vault-context.ts'
import {startPathRequest} from './argv.ts'
import {writeStdout} from './stdout.ts'

/** Thrown where the full command has work to do that this path must not start. */
class LeftToFullCommand extends Error {}

// oclif runs hooks for these events around every command: this path would skip them.
const eventsAroundCommands = ['init', 'prerun', 'preparse', 'postrun', 'finally']

// The host's own hooks on those events that do nothing for exec and export: its prerun hook acts on
// `plugins install` only, its postrun hook after the completion commands only.
const hostEventsIdleHere = ['prerun', 'postrun']

/**
 * Prints the credential_process JSON of a live cached session (or of the stored keys, with
 * `--no-session`) and returns true, or returns false having printed nothing.
 */
export async function execJsonFromCache(root: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const request = startPathRequest(argv)
  // AWS_VAULT: a nested session, an error the full command words. DEBUG: oclif's own debug output.
  if (request === undefined || env.AWS_VAULT || env.DEBUG || env.VAULT_DEBUG) return false
  const hooks = bundledHooks(root, env)
  if (!hooks) return false
  for (const [event, plugins] of hooks.events) {
    if (!eventsAroundCommands.includes(event)) continue
    if (!hostEventsIdleHere.includes(event) || plugins.some((plugin) => plugin !== hooks.host.pjson.name)) return false
  }
  const warnings: string[] = []
  const flags: GlobalFlagValues = {}
  for (const [flag, variable] of Object.entries(globalFlagVariables)) {
    // As oclif reads a flag's `env`: only a non-empty value counts.
    if (env[variable]) flags[flag as keyof GlobalFlagValues] = env[variable]
  }
  // A flag on the command line wins over its variable, as in oclif.
  Object.assign(flags, request.flags)
  const context = new VaultContext({
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
  // Something that never settles and holds nothing open (a plugin's hook, say) would let the event
  // loop run dry and Node end vault with code 13: the full command, which reports it, runs instead.
  let ranDry: () => void = () => {}
  const dry = new Promise<undefined>((resolve) => (ranDry = () => resolve(undefined)))
  process.once('beforeExit', ranDry)
  try {
    const answer = await Promise.race([context.profileCredentials(request.profile, {'no-session': request.noSession}), dry])
    if (!answer || warnings.length > 0) return false
    const {credentials, profile} = answer
    // As the commands print it; credentials export refuses to print make it throw, and the full command words that.
    const output =
      request.command === 'exec'
        ? credentialProcessJson(credentials)
        : formatCredentials('json', request.profile, credentials, profile.region)
    writeStdout(`${output}\n`)
    return true
  } catch {
    return false
  } finally {
    process.off('beforeExit', ranDry)
  }
}
