import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {bashScript, fishScript, SAFE_BIN, type ScriptTarget, zshScript} from './scripts.ts'

/** What is needed of oclif's Config to know vault's completion files (structural, so this module stays free of oclif). */
export interface ScriptHost {
  bin: string
  binAliases?: readonly string[]
  cacheDir: string
  version: string
}

/**
 * Where the completion files live: the bash and zsh functions where @oclif/plugin-autocomplete
 * writes them (its setup scripts, which users source, point there), fish's beside them, and the model.
 */
export function completionFiles(cacheDir: string, bin: string): {bash: string; zsh: string; fish: string; model: string} {
  const functions = join(cacheDir, 'autocomplete', 'functions')
  return {
    bash: join(functions, 'bash', `${bin}.bash`),
    fish: join(functions, 'fish', `${bin}.fish`),
    model: join(cacheDir, 'autocomplete', 'completion-model.json'),
    zsh: join(functions, 'zsh', `_${bin}`),
  }
}

/** Each completion function file this vault writes, with its text; none for a name no shell function can carry. */
export function completionScripts(host: ScriptHost): Array<[file: string, text: string]> {
  const {bin} = host
  if (!SAFE_BIN.test(bin)) return []
  const files = completionFiles(host.cacheDir, bin)
  const target: ScriptTarget = {
    aliases: (host.binAliases ?? []).filter((alias) => SAFE_BIN.test(alias)),
    bin,
    cache: files.model,
    version: host.version,
  }
  return [
    [files.bash, bashScript(target)],
    [files.zsh, zshScript(target)],
    [files.fish, fishScript(target)],
  ]
}

/**
 * Whether completion was set up (its bash function exists: every setup writes it, an older vault's
 * too) with files other than this vault writes: set up by an older or newer vault, whose scripts
 * name their version in their first lines, or by one that wrote oclif's scripts only. Reads at most
 * three small files, so every command can ask.
 */
export function completionOutOfDate(host: ScriptHost): boolean {
  const scripts = completionScripts(host)
  if (scripts.length === 0) return false
  for (const [index, [file, text]] of scripts.entries()) {
    let found: string
    try {
      found = readFileSync(file, 'utf8')
    } catch {
      // No bash function: completion was never set up here. Another file missing: set up by an older vault.
      return index > 0
    }
    if (found !== text) return true
  }
  return false
}
