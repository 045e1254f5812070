import type {Command} from '@oclif/core/command'
import type {Config} from '@oclif/core/config'

/** The commands --help lists: not hidden, each once (an alias is not a command of its own). */
export function visibleCommands(config: Config): Command.Loadable[] {
  const seen = new Set<string>()
  return config.commands
    .filter((command) => !command.hidden)
    .filter((command) => {
      if (seen.has(command.id)) return false
      seen.add(command.id)
      for (const alias of command.aliases ?? []) seen.add(alias)
      return true
    })
    .sort((a, b) => a.id.localeCompare(b.id))
}
