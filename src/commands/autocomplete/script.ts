import * as Args from '@oclif/core/args'
import {Command} from '@oclif/core/command'
import type * as Interfaces from '@oclif/core/interfaces'

import {completionFiles, fishSetupLine} from '../../lib/completion/index.ts'
import {catchAutocomplete, namedShell, runAutocompletePlugin, SHELLS, shellFromEnvironment} from './index.ts'

export default class AutocompleteScript extends Command {
  static override hidden = true
  static override summary = "Print the line that loads completion, for a shell's startup file"
  static override args = {
    shell: Args.string({description: 'Shell type', options: [...SHELLS]}),
  }

  async run(): Promise<void> {
    namedShell(this.argv)
    const {args} = await this.parse(AutocompleteScript)
    const shell = args.shell ?? shellFromEnvironment(this.config.shell)
    if (shell !== 'fish') return runAutocompletePlugin(this.config, 'autocomplete:script', this.argv)
    this.log(fishSetupLine(this.config.bin, completionFiles(this.config.cacheDir, this.config.bin).fish))
  }

  protected override catch(error: Interfaces.CommandError): Promise<void> {
    return catchAutocomplete(error, this.id)
  }
}
