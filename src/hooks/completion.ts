import type {Hook} from '@oclif/core'

// `autocomplete` (vault's, which hands bash, zsh and powershell to @oclif/plugin-autocomplete) and that
// plugin's `autocomplete:create`, which it also runs after every plugins install and uninstall.
const BUILDERS = new Set(['autocomplete', 'autocomplete:create'])

/**
 * Once the completion scripts are (re)built, replaces the bash and zsh ones with vault's, adds fish's,
 * and keeps the model. After any other command, finds whether completion was set up by another version
 * of vault (oclif's cache directory holds no version, and nothing rebuilds it on an upgrade) and if so
 * builds it again, as `vault autocomplete --refresh-cache` does: a Tab after an upgrade reaches this
 * too, as the hidden __complete command builds the model again.
 */
const hook: Hook<'postrun'> = async function (options) {
  const {config} = options
  if (!BUILDERS.has(options.Command.id)) {
    const {completionOutOfDate} = await import('../lib/completion/files.ts')
    if (!completionOutOfDate(config)) return
    try {
      await config.runCommand('autocomplete:create')
    } catch (error) {
      this.warn(`shell completion not brought up to date: ${error instanceof Error ? error.message : String(error)}`)
    }
    return
  }
  const {writeCompletion} = await import('../lib/completion/index.ts')
  try {
    for (const problem of await writeCompletion(config)) this.warn(problem)
  } catch (error) {
    this.warn(`shell completion not written: ${error instanceof Error ? error.message : String(error)}`)
  }
}

export default hook
