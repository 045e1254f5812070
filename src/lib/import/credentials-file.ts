// The shared credentials file (~/.aws/credentials) read line by line, so that taking keys out
// of it leaves every other line, comment and blank exactly as it was.

export const ACCESS_KEY = 'aws_access_key_id'
export const SECRET_KEY = 'aws_secret_access_key'
const TEMPORARY_KEYS = ['aws_session_token', 'aws_security_token']

interface Line {
  text: string
  /** The section the line is in ('' above the first header). */
  section: string
  kind: 'header' | 'setting' | 'other'
  key?: string
  value?: string
}

export interface PlaintextKeys {
  profile: string
  accessKeyId: string
  secretAccessKey: string
}

export interface SkippedSection {
  profile: string
  reason: string
}

export interface CredentialsFile {
  /** Sections holding a long-term access key pair in plain text. */
  keys: PlaintextKeys[]
  /** Sections with key settings that cannot be imported, and why. */
  skipped: SkippedSection[]
}

export function splitLines(text: string): {lines: string[]; eol: string} {
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  return {lines: text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)), eol}
}

function scan(text: string): Line[] {
  let section = ''
  return splitLines(text.replace(/^\uFEFF/, '')).lines.map((raw): Line => {
    const line = raw.trim()
    if (line.startsWith('[')) {
      const close = line.indexOf(']')
      if (close > 1) {
        section = line.slice(1, close).trim()
        return {text: raw, section, kind: 'header'}
      }
    }
    // Indented lines continue the previous value (the AWS CLI's nested settings): never a key of ours.
    if (line === '' || line.startsWith('#') || line.startsWith(';') || /^\s/.test(raw)) return {text: raw, section, kind: 'other'}
    const delimiter = line.search(/[=:]/)
    if (delimiter <= 0) return {text: raw, section, kind: 'other'}
    const key = line.slice(0, delimiter).trim().toLowerCase()
    // An inline comment needs whitespace before it; a key never holds either.
    const value = line
      .slice(delimiter + 1)
      .replace(/\s[#;].*$/, '')
      .trim()
    return {text: raw, section, kind: 'setting', key, value}
  })
}

/** The plaintext long-term keys of the file, section by section in file order. */
export function readCredentialsFile(text: string): CredentialsFile {
  const settings = new Map<string, Map<string, string>>()
  for (const line of scan(text)) {
    if (line.kind !== 'setting' || line.section === '') continue
    let section = settings.get(line.section)
    if (!section) {
      section = new Map()
      settings.set(line.section, section)
    }
    section.set(line.key!, line.value!)
  }
  const keys: PlaintextKeys[] = []
  const skipped: SkippedSection[] = []
  for (const [profile, section] of settings) {
    const accessKeyId = section.get(ACCESS_KEY) ?? ''
    const secretAccessKey = section.get(SECRET_KEY) ?? ''
    if (accessKeyId === '' && secretAccessKey === '') continue
    if (TEMPORARY_KEYS.some((key) => section.get(key))) {
      skipped.push({profile, reason: 'holds temporary credentials (a session token): they expire, there is nothing to keep'})
    } else if (accessKeyId === '' || secretAccessKey === '') {
      skipped.push({
        profile,
        reason: `has ${accessKeyId === '' ? SECRET_KEY : ACCESS_KEY} without ${accessKeyId === '' ? ACCESS_KEY : SECRET_KEY}`,
      })
    } else if (/["'`\s\\]/.test(accessKeyId + secretAccessKey)) {
      skipped.push({profile, reason: 'has a quoted or unusual key value that tools read differently: move it by hand with `vault add`'})
    } else {
      keys.push({profile, accessKeyId, secretAccessKey})
    }
  }
  return {keys, skipped}
}

/**
 * The file without the access key lines of `profiles` (every occurrence, duplicate sections
 * included). A section left with no line at all but its header goes too; one that keeps
 * other settings or comments keeps its header.
 */
export function withoutKeys(text: string, profiles: ReadonlySet<string>): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : ''
  const {eol} = splitLines(text)
  const lines = scan(text)
  const drop = new Set<number>()
  lines.forEach((line, index) => {
    if (line.kind === 'setting' && profiles.has(line.section) && (line.key === ACCESS_KEY || line.key === SECRET_KEY)) drop.add(index)
  })
  // A header whose block now holds nothing but blank lines goes, with those blank lines.
  lines.forEach((line, index) => {
    if (line.kind !== 'header' || !profiles.has(line.section)) return
    let end = index + 1
    while (end < lines.length && lines[end]!.kind !== 'header') end++
    const rest = lines.slice(index + 1, end).map((_, offset) => index + 1 + offset)
    const empty = rest.every((at) => drop.has(at) || lines[at]!.text.trim() === '')
    if (!empty) return
    drop.add(index)
    // Keep one blank line between the blocks before and after, unless one is there already.
    const blanks = rest.filter((at) => !drop.has(at))
    const separated = index > 0 && lines[index - 1]!.text.trim() === '' && !drop.has(index - 1)
    const keepOne = index > 0 && end < lines.length && !separated
    for (const at of keepOne ? blanks.slice(1) : blanks) drop.add(at)
  })
  const kept = lines.filter((_, index) => !drop.has(index)).map((line) => line.text)
  return bom + kept.join(eol)
}
