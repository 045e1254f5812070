import type {Hook} from '@oclif/core'

// The commands of @oclif/plugin-autocomplete that (re)write the completion scripts; it also runs
// autocomplete:create itself after every plugins install and uninstall.
const BUILDERS = new Set(['autocomplete', 'autocomplete:create'])

/** Once the completion scripts are (re)built, replaces the bash and zsh ones with vault's and keeps the model. */
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
