import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {bashProfileCompletion} from './bash.ts'
import {MARKER} from './marker.ts'
import {type CommandShape, profileCommands} from './profile-commands.ts'
import {withZshProfileCompletion} from './zsh.ts'

/** What is needed of oclif's Config (structural, so this module stays free of oclif). */
export interface CompletionHost {
  bin: string
  binAliases?: readonly string[]
  cacheDir: string
  commands: readonly CommandShape[]
}

const SAFE_BIN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

/**
 * Adds profile-name completion to the bash and zsh scripts @oclif/plugin-autocomplete has
 * just written under `<cacheDir>/autocomplete/functions`. Safe to run again: a script that
 * already has it is left alone. Returns a line for each script it could not extend.
 */
export async function addProfileCompletion(host: CompletionHost): Promise<string[]> {
  const {bin} = host
  if (!SAFE_BIN.test(bin)) return [`profile-name completion skipped: "${bin}" cannot name a shell function`]
  const aliases = (host.binAliases ?? []).filter((alias) => SAFE_BIN.test(alias))
  const commands = profileCommands(host.commands)
  const functions = join(host.cacheDir, 'autocomplete', 'functions')
  const problems: string[] = []
  await extend(
    join(functions, 'bash', `${bin}.bash`),
    (text) => `${text.trimEnd()}\n${bashProfileCompletion(bin, aliases, commands)}`,
    problems,
  )
  await extend(join(functions, 'zsh', `_${bin}`), (text) => withZshProfileCompletion(text, bin, commands), problems)
  return problems
}

async function extend(file: string, add: (text: string) => string | undefined, problems: string[]): Promise<void> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    problems.push(`profile-name completion not added to ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    return
  }
  if (text.includes(MARKER)) return
  const extended = add(text)
  if (extended === undefined) {
    problems.push(`profile-name completion not added to ${file}: the generated script has a shape this version of vault does not know`)
    return
  }
  await writeFile(file, extended)
}
