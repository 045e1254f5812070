/** What a section header names, as aws-vault reads `~/.aws/config`. */
export type SectionKind = 'default' | 'profile' | 'sso-session' | 'other'

export interface ConfigEntry {
  value: string
  /** 1-based line of the `key = value` line that set the value (the last one wins). */
  line: number
}

/** One `[header]` of the file, with its keys lower-cased and duplicate headers merged. */
export class ConfigSection {
  readonly header: string
  readonly kind: SectionKind
  /** The profile or sso-session name; the whole header for `other` sections. */
  readonly name: string
  /** 1-based line of the first header. */
  readonly line: number
  private readonly entries = new Map<string, ConfigEntry>()

  constructor(header: string, line: number) {
    this.header = header
    this.line = line
    const {kind, name} = classifyHeader(header)
    this.kind = kind
    this.name = name
  }

  set(key: string, value: string, line: number): void {
    this.entries.set(key, {line, value})
  }

  /** The value of a key, or undefined when it is absent or empty (aws-vault treats both alike). */
  get(key: string): string | undefined {
    const value = this.entries.get(key.toLowerCase())?.value
    return value === '' ? undefined : value
  }

  lineOf(key: string): number | undefined {
    return this.entries.get(key.toLowerCase())?.line
  }

  keys(): string[] {
    return [...this.entries.keys()]
  }

  /** Every key with its value, including empty ones. */
  toRecord(): Record<string, string> {
    return Object.fromEntries([...this.entries].map(([key, entry]) => [key, entry.value]))
  }

  /** How the header reads in messages: `[profile work]`. */
  get label(): string {
    return `[${this.header}]`
  }
}

// aws-vault only knows `[default]`, `[profile NAME]` and `[sso-session NAME]`, matched
// case-sensitively with exactly one space; anything else (a bare `[work]`) is ignored.
function classifyHeader(header: string): {kind: SectionKind; name: string} {
  if (header === 'default') return {kind: 'default', name: 'default'}
  if (header.startsWith('profile ')) {
    const name = header.slice('profile '.length)
    // `[profile default]` is not how aws-vault finds the default profile: leave it out.
    if (name !== 'default' && name !== '') return {kind: 'profile', name}
  }
  if (header.startsWith('sso-session ') && header.length > 'sso-session '.length) {
    return {kind: 'sso-session', name: header.slice('sso-session '.length)}
  }
  return {kind: 'other', name: header}
}

/** The header a profile name lives under. */
export function profileHeader(name: string): string {
  return name === 'default' ? 'default' : `profile ${name}`
}
