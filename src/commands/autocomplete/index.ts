import * as Args from '@oclif/core/args'
import {Command} from '@oclif/core/command'
import type {Config} from '@oclif/core/config'
import * as Flags from '@oclif/core/flags'
import type * as Interfaces from '@oclif/core/interfaces'

import {reportError} from '../../lib/base-command.ts'
import {VaultError} from '../../lib/errors.ts'

/** Where bash, zsh and PowerShell completion come from; vault adds fish, and its own scripts through src/hooks/completion.ts. */
export const AUTOCOMPLETE_PLUGIN = '@oclif/plugin-autocomplete'

/** Runs a command of @oclif/plugin-autocomplete itself, which vault's commands of the same id hide. */
export async function runAutocompletePlugin(config: Config, id: string, argv: string[]): Promise<void> {
  const command = await config.plugins.get(AUTOCOMPLETE_PLUGIN)?.findCommand(id)
  if (command === undefined) throw new Error(`${AUTOCOMPLETE_PLUGIN} is missing its ${id} command`)
  await command.run(argv, config)
}

/** The shells `vault autocomplete` sets up. */
export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const

const listed = (word: string): string => `${SHELLS.slice(0, -1).join(', ')} ${word} ${SHELLS.at(-1)}`

/**
 * The shell named on an autocomplete command's line, checked before oclif's parser would refuse an
 * unknown one in two lines: one line naming the shells supported instead.
 */
export function namedShell(argv: readonly string[]): string | undefined {
  // The flags of these commands take no value: the first other word is the shell.
  const named = argv.find((word) => !word.startsWith('-'))
  if (named === undefined || (SHELLS as readonly string[]).includes(named)) return named
  throw new VaultError('USAGE', `cannot set up completion for ${named}: the shells supported are ${listed('and')}`)
}

/** The shell $SHELL names (oclif's `config.shell`), when none is named: one vault completes, or one line saying so. */
export function shellFromEnvironment(configShell: string): string {
  // oclif's own rule for Git Bash on Windows, where $SHELL is a Windows path.
  const shell = configShell.endsWith('\\bash.exe') ? 'bash' : configShell
  if ((SHELLS as readonly string[]).includes(shell)) return shell
  const which =
    shell === 'unknown' ? 'no shell named, and $SHELL names none' : `cannot set up completion for ${shell} (the shell $SHELL names)`
  throw new VaultError('USAGE', `${which}; name one of the shells supported: ${listed('or')}`)
}

/** One line for a failure, as vault's other commands print it, instead of oclif's. */
export async function catchAutocomplete(error: Interfaces.CommandError, commandId: string | undefined): Promise<void> {
  if ((error as {code?: unknown}).code === 'EEXIT') {
    process.exitCode = error.oclif?.exit ?? 0
    return
  }
  reportError(error, commandId)
}

export default class Autocomplete extends Command {
  static override summary = 'Set up shell completion for bash, zsh, fish or PowerShell'
  static override description =
    'Builds the completion scripts and prints how to load them. Commands, flags, flag values (--format, --backend, --prompt, …) and profile names complete on Tab; the scripts are built again after each `vault plugins install` and `uninstall`, and by the first command of another version of vault.'

  static override args = {
    shell: Args.string({description: 'Shell type (default: the one $SHELL names)', options: [...SHELLS]}),
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
    namedShell(this.argv)
    const {args, flags} = await this.parse(Autocomplete)
    // --refresh-cache alone builds the scripts of every shell, whatever $SHELL names.
    const shell = args.shell ?? (flags['refresh-cache'] ? undefined : shellFromEnvironment(this.config.shell))
    if (shell !== 'fish') return runAutocompletePlugin(this.config, 'autocomplete', this.argv)
    // The plugin builds the bash and zsh scripts; once this command ends, vault's postrun hook writes fish's.
    await runAutocompletePlugin(this.config, 'autocomplete', ['--refresh-cache'])
    if (!flags['refresh-cache']) this.log(fishInstructions(this.config.bin))
  }

  protected override catch(error: Interfaces.CommandError): Promise<void> {
    return catchAutocomplete(error, this.id)
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
