import {Command} from '@oclif/core/command'
import {loadHelpClass} from '@oclif/core/help'

import {visibleCommands} from '../lib/help/visible-commands.ts'

/** aws-vault's --help-long: the overview, then every command's help, as `vault <command> --help` prints it. */
export default class HelpLong extends Command {
  static override hidden = true
  static override summary = "Help for every command at once (aws-vault's --help-long)"

  async run(): Promise<void> {
    const Help = await loadHelpClass(this.config)
    const help = new Help(this.config, this.config.pjson.oclif.helpOptions ?? {})
    await help.showHelp([])
    for (const command of visibleCommands(this.config)) {
      this.log('')
      await help.showCommandHelp(command, [])
    }
  }
}
