/** The parts of a loaded oclif command that completion looks at (structural: no oclif import here). */
export interface CommandShape {
  id: string
  aliases?: readonly string[]
  hidden?: boolean
  args?: Readonly<Record<string, unknown>>
  flags?: Readonly<Record<string, {type?: string; char?: string; hidden?: boolean} | undefined>>
}

/** A command whose first argument is a profile name, as the words a user types for it. */
export interface ProfileCommand {
  /** e.g. `['exec']`, or `['topic', 'command']` for `topic:command`. */
  words: string[]
  /** `--name` and `-c` forms of the flags that take a value: the word after one is not the profile. */
  valueFlags: string[]
}

// Anything else could not be pasted into a shell script safely; oclif ids and flag names never need more.
const SAFE_WORD = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
const SAFE_CHAR = /^[A-Za-z0-9]$/

/**
 * Every visible command (and alias) whose first argument is named `profile`: the host's
 * commands and any plugin's that follow the same convention. Longest command first, so
 * `topic command` is matched before a `topic` that also takes a profile.
 */
export function profileCommands(commands: readonly CommandShape[]): ProfileCommand[] {
  const found = new Map<string, ProfileCommand>()
  for (const command of commands) {
    if (command.hidden || Object.keys(command.args ?? {})[0] !== 'profile') continue
    const valueFlags = valueFlagsOf(command)
    for (const id of [command.id, ...(command.aliases ?? [])]) {
      const words = id.split(':')
      if (!words.every((word) => SAFE_WORD.test(word))) continue
      found.set(words.join(' '), {valueFlags, words})
    }
  }
  return [...found.values()].sort((a, b) => b.words.length - a.words.length || a.words.join(' ').localeCompare(b.words.join(' ')))
}

function valueFlagsOf(command: CommandShape): string[] {
  const flags: string[] = []
  for (const [name, flag] of Object.entries(command.flags ?? {})) {
    if (flag?.type !== 'option' || !SAFE_WORD.test(name)) continue
    flags.push(`--${name}`)
    if (flag.char !== undefined && SAFE_CHAR.test(flag.char)) flags.push(`-${flag.char}`)
  }
  return flags.sort()
}

/** The table both shell layers read: one `words|flags` entry per command. */
export function commandTable(commands: readonly ProfileCommand[]): string[] {
  return commands.map((command) => `'${command.words.join(' ')}|${command.valueFlags.join(' ')}'`)
}
