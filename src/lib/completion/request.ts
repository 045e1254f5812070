import type {Completion} from './complete.ts'

// The hidden command the completion scripts run on each Tab:
//
//   vault __complete bash [--cache=FILE] --word=WORD -- LINE     LINE: the line up to the cursor; WORD: bash's word under it
//   vault __complete zsh|fish [--cache=FILE] -- WORD…            the words after the program's name, the last under the cursor
//
// It prints one candidate a line (`value<TAB>description` for zsh and fish), then a last line
// telling the script what else to do: `:none`, `:files<TAB>PREFIX`, `:directories<TAB>PREFIX`, or
// `:command<TAB>N` (the words from N before the cursor on are a command line of their own).

export const COMPLETE_COMMAND = '__complete'

export const SHELLS = ['bash', 'fish', 'zsh'] as const
export type Shell = (typeof SHELLS)[number]

export interface CompletionRequest {
  shell: Shell
  /** Where the completion model is kept between Tabs. */
  cache?: string
  /** The words after the program's name; the last is the one being completed. */
  words: string[]
  /** bash only: the part of the last word bash will replace (bash splits words at `=` and `:`). */
  replacing?: string
}

/** The request in the arguments after `__complete`, or undefined when they are not one. */
export function parseRequest(argv: readonly string[]): CompletionRequest | undefined {
  const shell = argv[0] as Shell
  if (!SHELLS.includes(shell)) return undefined
  const separator = argv.indexOf('--')
  if (separator === -1) return undefined
  let cache: string | undefined
  let word: string | undefined
  for (const option of argv.slice(1, separator)) {
    if (option.startsWith('--cache=')) cache = option.slice('--cache='.length) || undefined
    else if (option.startsWith('--word=')) word = option.slice('--word='.length)
    else return undefined
  }
  const rest = argv.slice(separator + 1)
  if (shell !== 'bash') return {cache, shell, words: rest.length > 0 ? [...rest] : ['']}
  if (rest.length !== 1 || word === undefined) return undefined
  const words = shellWords(rest[0] as string).slice(1)
  return {cache, replacing: word, shell, words: words.length > 0 ? words : ['']}
}

/**
 * The words of a command line as a POSIX shell splits them (quotes and backslashes removed);
 * a line ending in a blank ends with an empty word, the one being started.
 */
export function shellWords(line: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: '"' | "'" | undefined
  for (let index = 0; index < line.length; index++) {
    const char = line[index] as string
    if (quote === "'") {
      if (char === "'") quote = undefined
      else word += char
    } else if (quote === '"') {
      if (char === '"') quote = undefined
      else if (char === '\\' && index + 1 < line.length && '"\\$`'.includes(line[index + 1] as string)) word += line[++index]
      else word += char
    } else if (char === ' ' || char === '\t' || char === '\n') {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      inWord = true
      if (char === "'" || char === '"') quote = char
      else if (char === '\\') word += line[++index] ?? ''
      else word += char
    }
  }
  words.push(word)
  return words
}

/** What the script reads: the candidates, then the directive line. */
export function formatCompletion(request: CompletionRequest, completion: Completion): string {
  const current = request.words.at(-1) ?? ''
  const lines: string[] = []
  if (request.shell === 'bash') {
    // bash shows no descriptions, does not match, and replaces only its own last word.
    const replacing = onlyBreaks(request.replacing ?? current) ? '' : (request.replacing ?? current)
    const cut = current.endsWith(replacing) ? current.length - replacing.length : 0
    for (const {value} of completion.candidates) if (value.startsWith(current)) lines.push(value.slice(cut))
  } else {
    for (const {description, value} of completion.candidates) lines.push(description ? `${value}\t${description}` : value)
  }
  const {directive} = completion
  switch (directive.type) {
    case 'none':
      lines.push(':none')
      break
    case 'command':
      lines.push(`:command\t${directive.before}`)
      break
    default:
      lines.push(`:${directive.type}\t${directive.prefix}`)
  }
  return `${lines.join('\n')}\n`
}

/** bash leaves a word break (`=`, `:`) as a word of its own; what it replaces then is the empty word after it. */
function onlyBreaks(word: string): boolean {
  return word !== '' && /^[=:]+$/.test(word)
}
