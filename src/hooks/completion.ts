import type {Hook} from '@oclif/core'

// `autocomplete` (vault's, which hands bash, zsh and powershell to @oclif/plugin-autocomplete) and that
// plugin's `autocomplete:create`, which it also runs after every plugins install and uninstall.
const BUILDERS = new Set(['autocomplete', 'autocomplete:create'])

/** Once the completion scripts are (re)built, replaces the bash and zsh ones with vault's, adds fish's, and keeps the model. */
const hook: Hook<'postrun'> = async function (options) {
  if (!BUILDERS.has(options.Command.id)) return
  const {writeCompletion} = await import('../lib/completion/index.ts')
  try {
    for (const problem of await writeCompletion(options.config)) this.warn(problem)
  } catch (error) {
    this.warn(`shell completion not written: ${error instanceof Error ? error.message : String(error)}`)
  }
}

export default hook
