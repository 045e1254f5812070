import {VaultError} from '../errors.ts'
import {ConfigSection} from './section.ts'

// A line scanner rather than the `ini` package: we need line numbers for errors, the AWS
// CLI's indented sub-sections, and go-ini's value rules (what aws-vault reads), none of which it gives.

/** Reads the text of an AWS config file into its sections, in file order. */
export function parseSections(text: string, path: string): ConfigSection[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
  const sections = new Map<string, ConfigSection>()
  // Keys above the first header belong to no profile: aws-vault never reads them.
  let current = new ConfigSection('', 0)
  let subSectionOpen = false

  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? ''
    const lineNumber = index + 1
    // `s3 =` followed by indented lines is an AWS CLI sub-section: its lines are not profile keys.
    if (subSectionOpen && (raw.startsWith(' ') || raw.startsWith('\t'))) continue
    const line = raw.trimStart()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue

    if (line.startsWith('[')) {
      const close = line.lastIndexOf(']')
      if (close === -1) throw malformed(path, lineNumber, 'the section header has no closing "]"')
      const header = line.slice(1, close)
      if (header === '') throw malformed(path, lineNumber, 'the section header "[]" has no name')
      let section = sections.get(header)
      if (!section) {
        section = new ConfigSection(header, lineNumber)
        sections.set(header, section)
      }
      current = section
      subSectionOpen = false
      continue
    }

    const delimiter = line.search(/[=:]/)
    if (delimiter === -1)
      throw malformed(path, lineNumber, 'this line is neither a [section] header, a "key = value" setting nor a comment')
    const key = line.slice(0, delimiter).trim().toLowerCase()
    if (key === '') throw malformed(path, lineNumber, 'the setting has no name before its "="')
    const {value, extraLines} = readValue(line.slice(delimiter + 1), lines, index, path)
    // No program can be handed such a value (environment variables and arguments end at NUL).
    if (value.includes('\0')) throw malformed(path, lineNumber, 'the value holds a NUL byte, which no setting may contain')
    index += extraLines
    current.set(key, value, lineNumber)
    subSectionOpen = value === ''
  }
  return [...sections.values()]
}

interface ReadValue {
  value: string
  /** Lines after the current one that the value spanned. */
  extraLines: number
}

/** go-ini's value rules: triple-quoted and backquoted values, `\` continuations, inline comments, surrounding quotes. */
function readValue(rest: string, lines: string[], index: number, path: string): ReadValue {
  let line = rest.trimStart()
  if (line === '') return {extraLines: 0, value: ''}

  const quote = line.length > 3 && line.startsWith('"""') ? '"""' : line.startsWith('`') ? '`' : ''
  if (quote) return readQuoted(line.slice(quote.length), quote, lines, index, path)

  line = line.trimEnd()
  if (line.endsWith('\\')) return readContinuation(line.slice(0, -1), lines, index)

  const comment = line.search(/[#;]/)
  if (comment !== -1) line = line.slice(0, comment).trim()
  if (hasSurroundingQuote(line, "'") || hasSurroundingQuote(line, '"')) line = line.slice(1, -1)
  return {extraLines: 0, value: line}
}

function readQuoted(start: string, quote: string, lines: string[], index: number, path: string): ReadValue {
  const close = start.lastIndexOf(quote)
  if (close !== -1) return {extraLines: 0, value: start.slice(0, close)}
  let value = `${start}\n`
  for (let next = index + 1; next < lines.length; next++) {
    const line = lines[next] ?? ''
    const end = line.lastIndexOf(quote)
    if (end !== -1) return {extraLines: next - index, value: value + line.slice(0, end)}
    value += `${line}\n`
  }
  throw malformed(path, index + 1, `the value opened with ${quote} is never closed`)
}

// Pieces are joined once at the end: trimming the growing value on every line made long continuations quadratic.
function readContinuation(start: string, lines: string[], index: number): ReadValue {
  const pieces = [start]
  let extraLines = 0
  for (let next = index + 1; next < lines.length; next++) {
    extraLines++
    const line = (lines[next] ?? '').trim()
    if (line === '') break
    if (!line.endsWith('\\')) {
      pieces.push(line)
      break
    }
    pieces.push(line.slice(0, -1))
  }
  return {extraLines, value: pieces.join('')}
}

function hasSurroundingQuote(text: string, quote: string): boolean {
  return text.length >= 2 && text.startsWith(quote) && text.endsWith(quote) && text.indexOf(quote, 1) === text.length - 1
}

// The offending line is not quoted back: it may hold a pasted secret key.
function malformed(path: string, line: number, what: string): VaultError {
  return new VaultError('CONFIG_INVALID', `${path} line ${line}: ${what}`, {
    suggestions: [`fix or remove line ${line} of ${path}; a comment line starts with # or ;`],
  })
}
