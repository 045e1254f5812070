import {type ArgSpec, type Choice, type CompletionModel, clean, type FlagSpec} from './model.ts'

/** What the shell does besides offering the candidates. */
export type Directive =
  | {type: 'none'}
  /** The shell's own file (or directory) completion, for the part of the word after `prefix` (`--file=`). */
  | {type: 'files' | 'directories'; prefix: string}
  /** The words from here on are a command line of their own (`vault exec work -- aws s3 …`): `before` of them precede the current word. */
  | {type: 'command'; before: number}

export interface Completion {
  /** Whole words (`--format=json` when the word being completed is `--format=j`), not yet matched against it. */
  candidates: Choice[]
  directive: Directive
}

export interface CompletionSources {
  /** The profile names of `~/.aws/config` (or AWS_CONFIG_FILE), as `vault list --profiles` prints them. */
  profiles(): Promise<string[]>
  /**
   * The profiles holding plaintext keys in the shared credentials file: `file` as typed on the line
   * when it is, else AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials.
   */
  credentialsProfiles(file: string | undefined): Promise<string[]>
}

/** The values typed so far for the command's flags, by flag name (the last one of a repeated flag). */
type Typed = ReadonlyMap<string, string>

const NOTHING: Completion = {candidates: [], directive: {type: 'none'}}

/** oclif answers --help after any command, and --version before any. */
const HELP: FlagSpec = {name: 'help', summary: 'Show help', takesValue: false}
const BEFORE_ANY_COMMAND: FlagSpec[] = [HELP, {name: 'version', summary: 'Show the version', takesValue: false}]

/**
 * What may be typed as the last of `words` (the words after the program's name, the last being
 * the one under the cursor, possibly empty). The line is read as vault reads it: flags before
 * the command (moved behind it at the entry point), the command's words, then its flags and
 * arguments in any order, up to `--`.
 */
export async function complete(model: CompletionModel, words: readonly string[], sources: CompletionSources): Promise<Completion> {
  const current = words.at(-1) ?? ''
  const before = words.slice(0, -1)
  let index = 0

  // aws-vault's global flags may come before the command; only they are known there.
  for (; index < before.length && isFlag(before[index] as string); index++) {
    const token = before[index] as string
    if (token === '--') return NOTHING
    const flag = findFlag(model.leadingFlags, token)
    if (flag?.takesValue && !hasInlineValue(token)) {
      if (index + 1 === before.length) return values(model, flag, '', sources, new Map())
      index++
    }
  }
  if (index === before.length) {
    if (isFlag(current)) return flagNames([...model.leadingFlags, ...BEFORE_ANY_COMMAND], current, new Set())
    return commandWords(model, [])
  }

  const path: string[] = []
  while (index < before.length && !isFlag(before[index] as string) && leadsToCommand(model, [...path, before[index] as string])) {
    path.push(before[index] as string)
    index++
  }
  const command = model.commands.find((candidate) => sameWords(candidate.words, path))
  if (index === before.length && !isFlag(current)) {
    // Still among the command's words: the subcommands, and a command's own first argument.
    if (command?.namesCommand) return commandWords(model, [])
    const subcommands = commandWords(model, path)
    const first = command?.args[0]
    if (!first) return subcommands
    const own = await argumentValues(model, first, sources)
    return {candidates: [...subcommands.candidates, ...own.candidates], directive: own.directive}
  }
  if (command === undefined) return NOTHING

  let argument = 0
  const positional: string[] = []
  let argumentsOnly = false
  const given = new Set<string>()
  const typed = new Map<string, string>()
  for (; index < before.length; index++) {
    const token = before[index] as string
    if (!argumentsOnly && token === '--') {
      // After `--`, a command that takes a command line has it; another takes arguments only.
      if (!command.strict) return childCommand(before.length - index - 1)
      argumentsOnly = true
      continue
    }
    if (!argumentsOnly && isFlag(token)) {
      const flag = findFlag(command.flags, token)
      if (flag === undefined) continue
      given.add(flag.name)
      if (flag.takesValue && !hasInlineValue(token)) {
        if (index + 1 === before.length) return values(model, flag, '', sources, typed)
        index++
        typed.set(flag.name, before[index] as string)
      } else if (flag.takesValue) {
        typed.set(flag.name, token.startsWith('--') ? token.slice(token.indexOf('=') + 1) : token.slice(2))
      }
      continue
    }
    positional.push(token)
    if (argument < command.args.length) argument++
    else if (!command.strict) return childCommand(before.length - index)
  }

  if (!argumentsOnly && current.startsWith('--') && current.includes('=')) {
    const name = current.slice(0, current.indexOf('='))
    const flag = findFlag(command.flags, name)
    return flag?.takesValue ? values(model, flag, `${name}=`, sources, typed) : NOTHING
  }
  if (!argumentsOnly && isFlag(current)) {
    const flags = command.flags.some((flag) => flag.name === HELP.name) ? command.flags : [...command.flags, HELP]
    return flagNames(flags, current, given)
  }
  if (command.namesCommand) return commandWords(model, positional)
  const spec = command.args[argument]
  if (spec) return argumentValues(model, spec, sources)
  return command.strict ? NOTHING : childCommand(0)
}

function isFlag(word: string): boolean {
  return word.startsWith('-') && word !== '-'
}

function hasInlineValue(token: string): boolean {
  return token.startsWith('--') ? token.includes('=') : token.length > 2
}

/** The flag a word names: `--name`, `--name=value`, an alias, `-c`, `-cvalue`, or `--no-name` of a boolean that allows it. */
function findFlag(flags: readonly FlagSpec[], token: string): FlagSpec | undefined {
  if (token.startsWith('--')) {
    const name = token.slice(2).split('=', 1)[0] as string
    const flag = flags.find((candidate) => candidate.name === name || candidate.aliases?.includes(name))
    if (flag) return flag
    return name.startsWith('no-') ? flags.find((candidate) => candidate.allowNo && candidate.name === name.slice(3)) : undefined
  }
  return flags.find((candidate) => candidate.char === token[1])
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, index) => word === b[index])
}

function leadsToCommand(model: CompletionModel, path: readonly string[]): boolean {
  return model.commands.some((command) => path.every((word, index) => command.words[index] === word))
}

/** The words that may follow `path`: visible commands and topics, without aliases. */
function commandWords(model: CompletionModel, path: readonly string[]): Completion {
  const found = new Map<string, Choice>()
  for (const command of model.commands) {
    if (command.hidden || command.alias || command.words.length <= path.length) continue
    if (!path.every((word, index) => command.words[index] === word)) continue
    const word = command.words[path.length] as string
    const own = command.words.length === path.length + 1
    const known = found.get(word)
    if (known?.description && !own) continue
    found.set(word, own && command.summary ? {description: command.summary, value: word} : {value: word})
  }
  return {candidates: [...found.values()], directive: {type: 'none'}}
}

function flagNames(flags: readonly FlagSpec[], current: string, given: ReadonlySet<string>): Completion {
  const candidates: Choice[] = []
  for (const flag of flags) {
    if (flag.hidden || (given.has(flag.name) && !flag.multiple)) continue
    candidates.push(described(`--${flag.name}`, flag.summary))
    if (flag.allowNo && current.startsWith('--no-')) candidates.push(described(`--no-${flag.name}`, flag.summary))
  }
  return {candidates, directive: {type: 'none'}}
}

async function values(
  model: CompletionModel,
  flag: FlagSpec,
  prefix: string,
  sources: CompletionSources,
  typed: Typed,
): Promise<Completion> {
  if (flag.kind === 'file' || flag.kind === 'directory')
    return {candidates: [], directive: {prefix, type: flag.kind === 'file' ? 'files' : 'directories'}}
  const choices = await choicesFor(model, flag, sources, typed)
  return {candidates: choices.map((choice) => ({...choice, value: `${prefix}${choice.value}`})), directive: {type: 'none'}}
}

async function argumentValues(model: CompletionModel, arg: ArgSpec, sources: CompletionSources): Promise<Completion> {
  if (arg.kind === 'file' || arg.kind === 'directory')
    return {candidates: [], directive: {prefix: '', type: arg.kind === 'file' ? 'files' : 'directories'}}
  return {candidates: await choicesFor(model, arg, sources, new Map()), directive: {type: 'none'}}
}

async function choicesFor(model: CompletionModel, spec: ArgSpec | FlagSpec, sources: CompletionSources, typed: Typed): Promise<Choice[]> {
  if (spec.options) return spec.options.map((value) => ({value}))
  switch (spec.kind) {
    case 'profile':
      return clean((await sources.profiles()).map((value) => ({value})))
    case 'credentials-profile': {
      const fileFlag = 'fileFlag' in spec ? spec.fileFlag : undefined
      const file = fileFlag === undefined ? undefined : typed.get(fileFlag)
      return clean((await sources.credentialsProfiles(file)).map((value) => ({value})))
    }
    case 'backend':
      return model.choices.backend
    case 'prompt':
      return model.choices.prompt
    default:
      return []
  }
}

function childCommand(before: number): Completion {
  return {candidates: [], directive: {before, type: 'command'}}
}

function described(value: string, description: string | undefined): Choice {
  return description ? {description, value} : {value}
}
