// aws-vault's usage is `aws-vault [<flags>] <command> [<args> ...]`: its global flags may come
// before the command. oclif reads the first word as the command, so the entry point moves those
// flags behind the command word once, and oclif and the start path both see a single form:
// `<command> --flag=value … <args>`. Plain TypeScript with no imports: it runs before oclif loads.

/** The global flags that take a value, as aws-vault names them (`--flag=value` or `--flag value`). */
export const globalValueFlags = [
  'backend',
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
 * it as a command. A leading `--help` or `--version` stays where oclif looks for it.
 */
export function normalizeArgv(argv: readonly string[]): string[] {
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
  profile: string
  flags: Partial<Record<GlobalValueFlag, string>>
}

/**
 * The request when argv (as normalizeArgv leaves it) is `exec [--setting=value …] <profile> --json`
 * (or `-j`): the only form the start path answers. Anything else, `--debug` included, is the full command's.
 */
export function startPathRequest(argv: readonly string[]): StartPathRequest | undefined {
  if (argv[0] !== 'exec') return undefined
  const last = argv.at(-1)
  if (argv.length < 3 || (last !== '--json' && last !== '-j')) return undefined
  const flags: Partial<Record<GlobalValueFlag, string>> = {}
  const middle = argv.slice(1, -1)
  const profile = middle.pop()
  if (!profile || profile.startsWith('-')) return undefined
  for (const token of middle) {
    const match = /^--([a-z-]+)=(.*)$/s.exec(token)
    // An empty value is oclif's error to word.
    if (!match || !valueFlags.has(match[1] as string) || match[2] === '') return undefined
    flags[match[1] as GlobalValueFlag] = match[2] as string
  }
  return {flags, profile}
}
