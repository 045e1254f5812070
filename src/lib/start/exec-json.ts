// `vault exec <profile> --json` (or `export <profile> --format json`, either with `--no-session`) is what
// credential_process runs before every AWS SDK client and every `aws` command starts. With a live cached
// session, or stored keys for `--no-session`, it is answered here, before oclif loads, through the same
// VaultContext, plugin hooks, backend, config and chain as the full command.
// This path may only read: a new session, a prompt, a credential source, a plugin warning or any
// error leaves it having written nothing, and the full command then runs from the start.
import {credentialProcessJson, formatCredentials} from '../output/credential-formats.ts'
import {startPathRequest} from './argv.ts'
import {startContext, unlessRunDry} from './context.ts'
import {writeStdout} from './stdout.ts'

/**
 * Prints the credential_process JSON of a live cached session (or of the stored keys, with
 * `--no-session`) and returns true, or returns false having printed nothing.
 */
export async function execJsonFromCache(root: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const request = startPathRequest(argv)
  // AWS_VAULT: a nested session, an error the full command words.
  if (request === undefined || env.AWS_VAULT) return false
  const start = startContext(root, env, request.flags)
  if (!start) return false
  try {
    const answer = await unlessRunDry(start.vault.profileCredentials(request.profile, {'no-session': request.noSession}))
    if (!answer || start.warnings.length > 0) return false
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
  }
}
