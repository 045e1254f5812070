import type {Hook} from '@oclif/core'

// The commands of @oclif/plugin-autocomplete that (re)write the completion scripts; it also runs
// autocomplete:create itself after every plugins install and uninstall.
const BUILDERS = new Set(['autocomplete', 'autocomplete:create'])

/** After the completion scripts are written, teaches them to complete profile names. */
const hook: Hook<'postrun'> = async function (options) {
  if (!BUILDERS.has(options.Command.id)) return
  const {addProfileCompletion} = await import('../lib/completion/index.ts')
  try {
    for (const problem of await addProfileCompletion(options.config)) this.warn(problem)
  } catch (error) {
    this.warn(`profile-name completion not added: ${error instanceof Error ? error.message : String(error)}`)
  }
}

export default hook
