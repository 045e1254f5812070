// aws-vault's --help-man: the whole CLI as a roff manual page (`vault --help-man | man -l -`),
// built from the same command descriptions that --help shows.

export interface ManualFlag {
  name: string
  char?: string
  takesValue: boolean
  allowNo?: boolean
  description?: string
  env?: string
}

export interface ManualCommand {
  id: string
  summary?: string
  args: {name: string; required?: boolean}[]
  flags: ManualFlag[]
}

export interface ManualSource {
  bin: string
  version: string
  description: string
  globalFlags: ManualFlag[]
  commands: ManualCommand[]
}

/** Text as roff shows it: backslashes and hyphens escaped, no line read as a request. */
export function roffText(text: string): string {
  return text
    .replaceAll('\\', '\\e')
    .replaceAll('-', '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n')
}

function flagLabel(flag: ManualFlag): string {
  const long = `\\fB\\-\\-${flag.allowNo ? '[no\\-]' : ''}${roffText(flag.name)}\\fR${flag.takesValue ? '=\\fIvalue\\fR' : ''}`
  return flag.char ? `\\fB\\-${roffText(flag.char)}\\fR, ${long}` : long
}

function flagEntries(flags: readonly ManualFlag[]): string[] {
  return [...flags]
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((flag) => ['.TP', flagLabel(flag), roffText(`${flag.description ?? ''}${flag.env ? ` ($${flag.env})` : ''}`)])
}

function usage(command: ManualCommand): string {
  const args = command.args.map((arg) => (arg.required ? `\\fI${roffText(arg.name)}\\fR` : `[\\fI${roffText(arg.name)}\\fR]`))
  return [`\\fB${roffText(command.id)}\\fR`, '[\\fIflags\\fR]', ...args].join(' ')
}

export function manualPage(source: ManualSource): string {
  const lines = [
    `.TH ${roffText(source.bin.toUpperCase())} 1 "" "${roffText(`${source.bin} ${source.version}`)}" "User Commands"`,
    '.SH NAME',
    `${roffText(source.bin)} \\- ${roffText(source.description)}`,
    '.SH SYNOPSIS',
    `\\fB${roffText(source.bin)}\\fR [\\fIflags\\fR] \\fIcommand\\fR [\\fIargs\\fR ...]`,
    '.SH FLAGS',
    'Every command takes these, before or after the command name.',
    ...flagEntries(source.globalFlags),
    '.SH COMMANDS',
  ]
  for (const command of [...source.commands].sort((a, b) => a.id.localeCompare(b.id))) {
    lines.push('.SS', usage(command), '.PP', roffText(command.summary ?? ''))
    if (command.flags.length > 0) lines.push('.RS', ...flagEntries(command.flags), '.RE')
  }
  return `${lines.join('\n')}\n`
}
