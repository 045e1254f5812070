import * as Args from '@oclif/core/args'
import {Command} from '@oclif/core/command'
import type {Config} from '@oclif/core/config'
import * as Flags from '@oclif/core/flags'

/** Where bash, zsh and PowerShell completion come from; vault adds fish, and its own scripts through src/hooks/completion.ts. */
export const AUTOCOMPLETE_PLUGIN = '@oclif/plugin-autocomplete'

/** Runs a command of @oclif/plugin-autocomplete itself, which vault's commands of the same id hide. */
export async function runAutocompletePlugin(config: Config, id: string, argv: string[]): Promise<void> {
  const command = await config.plugins.get(AUTOCOMPLETE_PLUGIN)?.findCommand(id)
  if (command === undefined) throw new Error(`${AUTOCOMPLETE_PLUGIN} is missing its ${id} command`)
  await command.run(argv, config)
}

export default class Autocomplete extends Command {
  static override summary = 'Set up shell completion for bash, zsh, fish or PowerShell'
  static override description =
    'Builds the completion scripts and prints how to load them. Commands, flags, flag values (--format, --backend, --prompt, …) and profile names complete on Tab; the scripts are built again after each `vault plugins install` and `uninstall`.'

  static override args = {
    shell: Args.string({description: 'Shell type (default: the one $SHELL names)', options: ['bash', 'zsh', 'fish', 'powershell']}),
  }

  static override flags = {
    'refresh-cache': Flags.boolean({char: 'r', description: 'Build the scripts again without printing the instructions'}),
  }

  static override examples = [
    '<%= config.bin %> autocomplete bash',
    '<%= config.bin %> autocomplete zsh',
    '<%= config.bin %> autocomplete fish',
    '<%= config.bin %> autocomplete --refresh-cache',
  ]

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Autocomplete)
    const shell = args.shell ?? this.config.shell
    if (shell !== 'fish') return runAutocompletePlugin(this.config, 'autocomplete', this.argv)
    // The plugin builds the bash and zsh scripts; once this command ends, vault's postrun hook writes fish's.
    await runAutocompletePlugin(this.config, 'autocomplete', ['--refresh-cache'])
    if (!flags['refresh-cache']) this.log(fishInstructions(this.config.bin))
  }
}

function fishInstructions(bin: string): string {
  return `
Completion for fish is built. To turn it on, run this in fish:

  mkdir -p $__fish_config_dir/completions; and ${bin} autocomplete script fish > $__fish_config_dir/completions/${bin}.fish

fish reads that file the first time a ${bin} command line is completed in each new shell. Then type
\`${bin} \` and press Tab: commands, flags, their values and profile names are offered, with descriptions.
`
}
