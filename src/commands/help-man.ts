import {Command} from '@oclif/core/command'

import {VaultCommand} from '../lib/base-command.ts'
import {manualPage, type ManualFlag} from '../lib/help/manual-page.ts'
import {visibleCommands} from '../lib/help/visible-commands.ts'

interface FlagLike {
  name: string
  char?: string
  type: string
  allowNo?: boolean
  description?: string
  summary?: string
  env?: string
  hidden?: boolean
}

function manualFlags(flags: Record<string, FlagLike>, except: ReadonlySet<string> = new Set()): ManualFlag[] {
  return Object.values(flags)
    .filter((flag) => !flag.hidden && !except.has(flag.name))
    .map((flag) => ({
      name: flag.name,
      takesValue: flag.type === 'option',
      ...(flag.char ? {char: flag.char} : {}),
      ...(flag.allowNo ? {allowNo: true} : {}),
      ...(flag.summary || flag.description ? {description: (flag.summary || flag.description) as string} : {}),
      ...(flag.env ? {env: flag.env} : {}),
    }))
}

/** aws-vault's --help-man: a roff manual page of every command (`vault --help-man | man -l -`). */
export default class HelpMan extends Command {
  static override hidden = true
  static override summary = "The manual page, in roff (aws-vault's --help-man)"

  async run(): Promise<void> {
    const globalFlags = VaultCommand.baseFlags as unknown as Record<string, FlagLike>
    const globalNames = new Set(Object.keys(globalFlags))
    const page = manualPage({
      bin: this.config.bin,
      commands: visibleCommands(this.config).map((command) => ({
        args: Object.values(command.args ?? {}).map((arg) => ({name: arg.name, ...(arg.required ? {required: true} : {})})),
        flags: manualFlags(command.flags as unknown as Record<string, FlagLike>, globalNames),
        id: command.id.replaceAll(':', ' '),
        ...(command.summary || command.description ? {summary: (command.summary || command.description) as string} : {}),
      })),
      description: this.config.pjson.description ?? '',
      globalFlags: manualFlags(
        Object.fromEntries(Object.entries(globalFlags).map(([name, flag]) => [name, {...flag, name}])) as Record<string, FlagLike>,
      ),
      version: this.config.version,
    })
    process.stdout.write(page)
  }
}
