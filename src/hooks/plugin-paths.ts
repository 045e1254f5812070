import type {Hook} from '@oclif/core'

// `plugins install` and its aliases, as the plugins plugin names them.
const INSTALLERS = new Set(['plugins:install', 'plugins:add', 'plugins:i'])

/** What names a directory rather than a package: `vault plugins install ../x` would try GitHub. */
export function isPathLike(argument: string): boolean {
  return (
    argument === '.' ||
    argument === '..' ||
    /^(\.{1,2}[\\/]|[\\/]|~|file:)/.test(argument) ||
    // A Windows drive path.
    /^[A-Za-z]:[\\/]/.test(argument)
  )
}

/** Refuses a path given to `vault plugins install` before anything is fetched, pointing at `vault plugins link`. */
const hook: Hook<'prerun'> = async function (options) {
  const ids = [options.Command.id, ...(options.Command.aliases ?? [])]
  if (!ids.some((id) => INSTALLERS.has(id))) return
  const path = options.argv.find((argument) => !argument.startsWith('-') && isPathLike(argument))
  if (path === undefined) return
  process.stderr.write(
    `vault: ${JSON.stringify(path)} is a path, and vault plugins install takes a package name\n` +
      `Try this: to use the plugin in that directory, run \`vault plugins link ${path}\`\n`,
  )
  this.exit(2)
}

export default hook
