// What shell completion knows of the CLI: its commands with their arguments and flags, and the
// backend and prompt-driver ids the installed plugins provide. Built from oclif's command list
// (structural types here, so this module stays free of oclif) and kept as JSON between Tabs.

/** The kinds of value a flag's help value names. */
export type HelpValueKind = 'backend' | 'directory' | 'file' | 'profile' | 'prompt'

/**
 * What a value completes to, beyond a flag's fixed `options`; besides those help values name,
 * `credentials-profile`: the profiles holding plaintext keys in the shared credentials file the
 * command reads (the file its `fileFlag` names when that is typed, else AWS_SHARED_CREDENTIALS_FILE
 * or ~/.aws/credentials), which a command declares in its `completion` hints.
 */
export type ValueKind = HelpValueKind | 'credentials-profile'

/**
 * A flag's `helpValue` names the kind of value it takes, which also reads well in help
 * (`--backend=<backend>`). Plugins use the same names for their own flags.
 */
export const HELP_VALUES: Readonly<Record<HelpValueKind, string>> = {
  backend: '<backend>',
  directory: '<dir>',
  file: '<file>',
  profile: '<profile>',
  prompt: '<prompt>',
}

const VALUE_KINDS: readonly ValueKind[] = [...(Object.keys(HELP_VALUES) as HelpValueKind[]), 'credentials-profile']

export interface FlagSpec {
  name: string
  char?: string
  aliases?: string[]
  summary?: string
  hidden?: boolean
  /** Takes a value (`--name value`, `--name=value`); a boolean does not. */
  takesValue: boolean
  /** A boolean that also has a `--no-<name>` form. */
  allowNo?: boolean
  /** May be given more than once. */
  multiple?: boolean
  kind?: ValueKind
  /** The flag whose value, when typed, names the file the values come from (`credentials-profile`). */
  fileFlag?: string
  options?: string[]
}

export interface ArgSpec {
  name: string
  kind?: ValueKind
  options?: string[]
}

export interface CommandSpec {
  /** The words a user types: `['plugins', 'install']` for `plugins:install`. */
  words: string[]
  summary?: string
  /** Hidden commands and aliases are understood but not offered. */
  hidden?: boolean
  alias?: boolean
  /** False when more arguments than declared are taken (`exec`'s command line). */
  strict: boolean
  /** Its arguments are the words of another command (oclif's `help`). */
  namesCommand?: boolean
  args: ArgSpec[]
  flags: FlagSpec[]
}

export interface Choice {
  value: string
  description?: string
}

export interface CompletionModel {
  commands: CommandSpec[]
  /** The flags that may come before the command, as aws-vault allows (`vault --backend file exec …`). */
  leadingFlags: FlagSpec[]
  /** Backend and prompt-driver ids, as the installed plugins describe them. */
  choices: {backend: Choice[]; prompt: Choice[]}
}

/** A flag as oclif's manifest and loaded commands describe it. */
export interface FlagShape {
  type?: string
  char?: string
  aliases?: readonly string[]
  hidden?: boolean
  allowNo?: boolean
  multiple?: boolean
  options?: readonly string[]
  helpValue?: string | readonly string[]
  summary?: string
  description?: string
}

/**
 * What completion should know of a command's flags that their help values cannot say, declared as
 * the command's static `completion` (oclif keeps a command's own statics in its manifest).
 */
export interface CompletionHints {
  flags?: Readonly<Record<string, {kind?: ValueKind; fileFlag?: string} | undefined>>
}

/** The parts of a loaded oclif command that completion looks at. */
export interface CommandShape {
  id: string
  aliases?: readonly string[]
  hidden?: boolean
  strict?: boolean
  summary?: string
  description?: string
  args?: Readonly<Record<string, {name?: string; options?: readonly string[]} | undefined>>
  flags?: Readonly<Record<string, FlagShape | undefined>>
  completion?: CompletionHints
}

// oclif ids and flag names never need more; anything else could not be typed as one word anyway.
const WORD = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
const CHAR = /^[A-Za-z0-9]$/
// Line breaks, tabs (the separator of what vault prints for the scripts) and other invisible characters.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u

export interface ModelOptions {
  /** The program's name, for the `<%= config.bin %>` in oclif's texts. */
  bin: string
  /** The flags that may precede the command. */
  leadingFlags: readonly string[]
  choices: CompletionModel['choices']
}

/** The model of `commands`: every loaded command and alias, hidden ones included. */
export function completionModel(
  commands: readonly CommandShape[],
  {bin, choices, leadingFlags: leadingFlagNames}: ModelOptions,
): CompletionModel {
  const specs = new Map<string, CommandSpec>()
  for (const command of commands) {
    // oclif lists an alias as a command of its own, with the alias as its id and still in its aliases.
    const isAlias = command.aliases?.includes(command.id) ?? false
    for (const [id, alias] of [[command.id, isAlias] as const, ...(command.aliases ?? []).map((name) => [name, true] as const)]) {
      const words = id.split(/[: ]/)
      if (specs.has(words.join(' ')) || !words.every((word) => WORD.test(word))) continue
      specs.set(words.join(' '), commandSpec(command, words, alias, bin))
    }
  }
  const all = [...specs.values()]
  const leadingFlags: FlagSpec[] = []
  for (const name of leadingFlagNames) {
    const flag = all.flatMap((command) => command.flags).find((candidate) => candidate.name === name)
    if (flag) leadingFlags.push(flag)
  }
  return {choices: {backend: clean(choices.backend), prompt: clean(choices.prompt)}, commands: all, leadingFlags}
}

function commandSpec(command: CommandShape, words: string[], alias: boolean, bin: string): CommandSpec {
  const args: ArgSpec[] = Object.entries(command.args ?? {}).map(([name, arg]) => {
    const spec: ArgSpec = {name}
    if (name === 'profile') spec.kind = 'profile'
    const options = usableOptions(arg?.options)
    if (options) spec.options = options
    return spec
  })
  const flags: FlagSpec[] = []
  for (const [name, flag] of Object.entries(command.flags ?? {})) {
    if (flag === undefined || !WORD.test(name)) continue
    const spec: FlagSpec = {name, takesValue: flag.type !== 'boolean'}
    if (flag.char !== undefined && CHAR.test(flag.char)) spec.char = flag.char
    const aliases = flag.aliases?.filter((alias) => WORD.test(alias))
    if (aliases?.length) spec.aliases = [...aliases]
    const summary = oneLine(rendered(flag.summary ?? flag.description, bin, words))
    if (summary) spec.summary = summary
    if (flag.hidden) spec.hidden = true
    if (flag.allowNo) spec.allowNo = true
    if (flag.multiple) spec.multiple = true
    // Any plugin's command may carry hints: only known kinds count.
    const hint = command.completion?.flags?.[name]
    const hinted = VALUE_KINDS.find((known) => known === hint?.kind)
    const kind = hinted ?? kindOf(flag.helpValue)
    if (kind && spec.takesValue) spec.kind = kind
    if (spec.kind && typeof hint?.fileFlag === 'string' && WORD.test(hint.fileFlag)) spec.fileFlag = hint.fileFlag
    const options = usableOptions(flag.options)
    if (options && spec.takesValue) spec.options = options
    flags.push(spec)
  }
  const spec: CommandSpec = {args, flags, strict: command.strict !== false, words}
  const summary = oneLine(rendered(command.summary ?? command.description, bin, words))
  if (summary) spec.summary = summary
  if (command.hidden) spec.hidden = true
  if (alias) spec.alias = true
  // @oclif/plugin-help's `help [command words…]`.
  if (words.join(' ') === 'help' && args[0]?.name === 'command') spec.namesCommand = true
  return spec
}

/** oclif's texts may name the program and the command through templates; help fills them in, and so does completion. */
function rendered(text: string | undefined, bin: string, words: readonly string[]): string | undefined {
  return text?.replaceAll(/<%=\s*config\.bin\s*%>/g, bin).replaceAll(/<%=\s*command\.id\s*%>/g, words.join(' '))
}

function kindOf(helpValue: FlagShape['helpValue']): ValueKind | undefined {
  if (typeof helpValue !== 'string') return undefined
  return (Object.keys(HELP_VALUES) as HelpValueKind[]).find((kind) => HELP_VALUES[kind] === helpValue)
}

function usableOptions(options: readonly string[] | undefined): string[] | undefined {
  const usable = options?.filter((option) => option !== '' && !UNPRINTABLE.test(option))
  return usable?.length ? [...usable] : undefined
}

/** The first line of a text, with anything a completion list cannot show as a space. */
export function oneLine(text: string | undefined): string | undefined {
  const line = text
    ?.split('\n', 1)[0]
    ?.replaceAll(new RegExp(`${UNPRINTABLE.source}+`, 'gu'), ' ')
    .trim()
  return line || undefined
}

/** Choices whose value a shell can take as one word, with a one-line description. */
export function clean(choices: readonly Choice[]): Choice[] {
  const seen = new Set<string>()
  const kept: Choice[] = []
  for (const choice of choices) {
    if (choice.value === '' || UNPRINTABLE.test(choice.value) || seen.has(choice.value)) continue
    seen.add(choice.value)
    const description = oneLine(choice.description)
    kept.push(description ? {description, value: choice.value} : {value: choice.value})
  }
  return kept
}
