import {mkdir, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {type ModelHost, buildCompletionModel, modelStamps, writeModel} from './build-model.ts'
import {SAFE_BIN, type ScriptTarget, bashScript, fishScript, zshScript} from './scripts.ts'

/** What is needed of oclif's Config (structural, so this module stays free of oclif). */
export interface CompletionHost extends ModelHost {
  binAliases?: readonly string[]
  cacheDir: string
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

/**
 * Writes vault's completion functions for bash, zsh and fish (replacing the generated bash and zsh
 * ones) and the model they read. Returns a line for each thing it could not do.
 */
export async function writeCompletion(host: CompletionHost): Promise<string[]> {
  const {bin} = host
  if (!SAFE_BIN.test(bin)) return [`shell completion not written: "${bin}" cannot name a shell function`]
  const files = completionFiles(host.cacheDir, bin)
  const target: ScriptTarget = {aliases: (host.binAliases ?? []).filter((alias) => SAFE_BIN.test(alias)), bin, cache: files.model}
  const problems: string[] = []
  const scripts: Array<[string, string]> = [
    [files.bash, bashScript(target)],
    [files.zsh, zshScript(target)],
    [files.fish, fishScript(target)],
  ]
  for (const [file, text] of scripts) {
    try {
      await mkdir(dirname(file), {recursive: true})
      await writeFile(file, text)
    } catch (error) {
      problems.push(`shell completion not written to ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }
  try {
    const stamps = modelStamps(host)
    await writeModel(files.model, stamps, await buildCompletionModel(host))
  } catch (error) {
    // Not fatal: the first Tab builds it.
    problems.push(`completion model not written to ${files.model}: ${error instanceof Error ? error.message : String(error)}`)
  }
  return problems
}
