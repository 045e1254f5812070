// aws-vault's usage is `aws-vault [<flags>] <command> [<args> ...]`: its global flags may come
// before the command. oclif reads the first word as the command, so the entry point moves those
// flags behind the command word once, and oclif and the start path both see a single form:
// `<command> --flag=value … <args>`. Plain TypeScript with no imports: it runs before oclif loads.

/** The global flags that take a value, as aws-vault names them (`--flag=value` or `--flag value`). */
export const globalValueFlags = [
  'backend',
  'session-backend',
  'prompt',
  'keychain',
  'secret-service-collection',
  'pass-dir',
  'pass-cmd',
  'pass-prefix',
  'file-dir',
] as const

export type GlobalValueFlag = (typeof globalValueFlags)[number]

const valueFlags = new Set<string>(globalValueFlags)

/**
 * `--debug --backend file exec work -- true` → `exec --debug --backend=file work -- true`.
 * Only flags before the command move; anything else is returned as it is. An unknown leading
 * flag moves too (as one token), so the command's own parser names it instead of oclif reading
 * it as a command. A leading `--help` or `--version` stays where oclif looks for it; `--help-long` and
 * `--help-man` become the commands that answer them.
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  // kingpin's application-wide help forms, answered by hidden commands of the same names.
  if (argv[0] === '--help-long' || argv[0] === '--help-man') return [argv[0].slice(2), ...argv.slice(1)]
  const leading: string[] = []
  let index = 0
  while (index < argv.length) {
    const token = argv[index] as string
    if (token === '--' || !token.startsWith('-') || token === '-') break
    if (token === '--help' || token === '-h' || token === '--version') return [...argv]
    const name = token.replace(/^--?/, '').split('=', 1)[0] as string
    if (valueFlags.has(name) && !token.includes('=') && index + 1 < argv.length) {
      leading.push(`--${name}=${argv[index + 1]}`)
      index += 2
      continue
    }
    leading.push(token)
    index++
  }
  const command = argv[index]
  if (leading.length === 0 || command === undefined || command === '--') return [...argv]
  return [command, ...leading, ...argv.slice(index + 1)]
}

export interface StartPathRequest {
  /** `exec … --json` or `export … --format json`: both print the credential_process JSON. */
  command: 'exec' | 'export'
  profile: string
  noSession: boolean
  flags: Partial<Record<GlobalValueFlag, string>>
}

/**
 * The request when argv (as normalizeArgv leaves it) is one of the credential_process forms the start
 * path answers: `exec [--setting=value …] <profile> [--no-session|-n] --json|-j`, or
 * `export [--setting=value …] <profile> [--no-session|-n] --format json|--format=json`, the flags after
 * the profile in any order. Anything else, `--debug`, `--` or a repeated flag included, is the full command's.
 */
export function startPathRequest(argv: readonly string[]): StartPathRequest | undefined {
  const command = argv[0]
  if (command !== 'exec' && command !== 'export') return undefined
  const flags: Partial<Record<GlobalValueFlag, string>> = {}
  let profile: string | undefined
  let json = false
  let noSession = false
  for (let index = 1; index < argv.length; index++) {
    const token = argv[index] as string
    if (!token.startsWith('-')) {
      if (profile !== undefined) return undefined
      profile = token
      continue
    }
    const afterProfile = profile !== undefined
    if (afterProfile && !noSession && (token === '--no-session' || token === '-n')) {
      noSession = true
      continue
    }
    if (afterProfile && !json && command === 'exec' && (token === '--json' || token === '-j')) {
      json = true
      continue
    }
    if (
      afterProfile &&
      !json &&
      command === 'export' &&
      (token === '--format=json' || (token === '--format' && argv[index + 1] === 'json'))
    ) {
      json = true
      if (token === '--format') index++
      continue
    }
    if (!takeGlobalSetting(token, flags)) return undefined
  }
  if (profile === undefined || !json) return undefined
  return {command, flags, noSession, profile}
}

export interface ListRequest {
  /** The mode flags given (two at once is the command's error to word). */
  modes: Array<'credentials' | 'profiles' | 'sessions'>
  json: boolean
  flags: Partial<Record<GlobalValueFlag, string>>
}

/**
 * The request when argv (as normalizeArgv leaves it) is `list` or `ls` with any of `--profiles`,
 * `--credentials`, `--sessions` and `--json`, each at most once, and global settings as `--setting=value`;
 * anything else (`--debug`, `--help`, a negated or repeated flag, an argument) is the full command's.
 */
export function listRequest(argv: readonly string[]): ListRequest | undefined {
  if (argv[0] !== 'list' && argv[0] !== 'ls') return undefined
  const request: ListRequest = {flags: {}, json: false, modes: []}
  for (const token of argv.slice(1)) {
    const mode = /^--(credentials|profiles|sessions)$/.exec(token)?.[1] as ListRequest['modes'][number] | undefined
    if (mode !== undefined && !request.modes.includes(mode)) request.modes.push(mode)
    else if (token === '--json' && !request.json) request.json = true
    else if (!takeGlobalSetting(token, request.flags)) return undefined
  }
  return request
}

/**
 * Takes a global setting as normalizeArgv writes it (`--setting=value`) into `flags`; false for anything
 * else, an empty value (oclif's error to word) or a setting given twice.
 */
function takeGlobalSetting(token: string, flags: Partial<Record<GlobalValueFlag, string>>): boolean {
  const match = /^--([a-z-]+)=(.*)$/s.exec(token)
  if (!match || !valueFlags.has(match[1] as string) || match[2] === '' || (match[1] as string) in flags) return false
  flags[match[1] as GlobalValueFlag] = match[2] as string
  return true
}
