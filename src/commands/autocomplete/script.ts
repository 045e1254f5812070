import * as Args from '@oclif/core/args'
import {Command} from '@oclif/core/command'

import {completionFiles, fishSetupLine} from '../../lib/completion/index.ts'
import {runAutocompletePlugin} from './index.ts'

export default class AutocompleteScript extends Command {
  static override hidden = true
  static override summary = "Print the line that loads completion, for a shell's startup file"
  static override args = {
    shell: Args.string({description: 'Shell type', options: ['bash', 'zsh', 'fish', 'powershell']}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(AutocompleteScript)
    const shell = args.shell ?? this.config.shell
    if (shell !== 'fish') return runAutocompletePlugin(this.config, 'autocomplete:script', this.argv)
    this.log(fishSetupLine(this.config.bin, completionFiles(this.config.cacheDir, this.config.bin).fish))
  }
}
