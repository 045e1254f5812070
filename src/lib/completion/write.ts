import {mkdir} from 'node:fs/promises'
import {dirname} from 'node:path'

import {writeFileAtomic} from '../config/atomic-write.ts'
import {type ModelHost, buildCompletionModel, modelStamps, writeModel} from './build-model.ts'
import {completionFiles, completionScripts, type ScriptHost} from './files.ts'
import {SAFE_BIN} from './scripts.ts'

/** What is needed of oclif's Config (structural, so this module stays free of oclif). */
export interface CompletionHost extends ModelHost, ScriptHost {}

/**
 * Writes vault's completion functions for bash, zsh and fish (replacing the generated bash and zsh
 * ones) and the model they read. Returns a line for each thing it could not do.
 */
export async function writeCompletion(host: CompletionHost): Promise<string[]> {
  const {bin} = host
  if (!SAFE_BIN.test(bin)) return [`shell completion not written: "${bin}" cannot name a shell function`]
  const problems: string[] = []
  for (const [file, text] of completionScripts(host)) {
    try {
      await mkdir(dirname(file), {recursive: true})
      // A shell starting meanwhile reads the old function or the new one, never half of one.
      await writeFileAtomic(file, text, {mode: 0o644})
    } catch (error) {
      problems.push(`shell completion not written to ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }
  const files = completionFiles(host.cacheDir, bin)
  try {
    const stamps = modelStamps(host)
    await writeModel(files.model, stamps, await buildCompletionModel(host))
  } catch (error) {
    // Not fatal: the first Tab builds it.
    problems.push(`completion model not written to ${files.model}: ${error instanceof Error ? error.message : String(error)}`)
  }
  return problems
}
