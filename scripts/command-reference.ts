// docs/commands.md: every command vault ships with (its own and its bundled plugins'), as `vault <command> --help`
// prints it, rendered from the built oclif.manifest.json. `npm run docs` rewrites it; a test fails when it is stale.
import {join} from 'node:path'

import {type Command, Config, Help, settings} from '@oclif/core'

export const root = join(import.meta.dirname, '..')
export const referencePath = join(root, 'docs', 'commands.md')

/** oclif's help, with the one method that renders a single command made callable. */
class ReferenceHelp extends Help {
  commandHelp(command: Command.Loadable): string {
    return this.formatCommand(command)
  }
}

export async function commandReference(): Promise<string> {
  settings.enableAutoTranspile = false
  const config = await Config.load({root})
  // Installed or linked plugins belong to one machine: only what ships is documented.
  // Each command once, under its own name: its help lists its aliases.
  const aliases = new Set(config.commands.flatMap((command) => command.aliases))
  const commands = new Map<string, Command.Loadable>()
  for (const command of config.commands) {
    if (command.pluginType !== 'core' || command.hidden || aliases.has(command.id)) continue
    commands.set(command.id, command)
  }
  const help = new ReferenceHelp(config, {maxWidth: 100, stripAnsi: true})
  const ids = [...commands.keys()].sort()
  const title = (id: string) => `${config.bin} ${id.replaceAll(':', ' ')}`
  const lines = [
    '# Command reference',
    '',
    'Generated from the commands themselves by `npm run docs`; do not edit by hand.',
    '',
    ...ids.map((id) => `- [\`${title(id)}\`](#${title(id).replaceAll(' ', '-')})`),
    '',
  ]
  for (const id of ids) {
    const command = commands.get(id)!
    lines.push(`## ${title(id)}`, '', command.summary ?? command.description?.split('\n')[0] ?? '', '', '```')
    lines.push(help.commandHelp(command).replaceAll(/[ \t]+$/gm, ''), '```', '')
  }
  return `${lines.join('\n').trimEnd()}\n`
}
