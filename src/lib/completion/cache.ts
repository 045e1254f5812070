import {readFileSync, statSync} from 'node:fs'

import type {CompletionModel} from './model.ts'

// The completion model is built from every plugin's commands and hooks, which takes oclif a few hundred
// milliseconds to load: too slow for each Tab. It is kept as JSON with the size and time of each file it was
// built from (package.json and manifest of vault and of every plugin, and the list of installed plugins); a
// Tab uses it only while all of them are unchanged, so installing, linking, removing or updating a plugin,
// or vault itself, makes the next Tab build it again. Reading it is all a Tab loads (no node:crypto, no oclif).

export const MODEL_FORMAT = 1

/** A file the model was built from, as it was then (no size or time: it did not exist). */
export interface Stamp {
  path: string
  size?: number
  mtimeMs?: number
}

export interface CachedModel {
  format: number
  stamps: Stamp[]
  model: CompletionModel
}

export function stamp(path: string): Stamp {
  try {
    const stats = statSync(path)
    return {mtimeMs: stats.mtimeMs, path, size: stats.size}
  } catch {
    return {path}
  }
}

/** The model kept in `file`, if every file it was built from is as it was. */
export function readFreshModel(file: string): CompletionModel | undefined {
  let cached: CachedModel
  try {
    cached = JSON.parse(readFileSync(file, 'utf8')) as CachedModel
  } catch {
    return undefined
  }
  if (cached?.format !== MODEL_FORMAT || !Array.isArray(cached.stamps) || typeof cached.model !== 'object') return undefined
  for (const then of cached.stamps) {
    const now = stamp(then.path)
    if (now.size !== then.size || now.mtimeMs !== then.mtimeMs) return undefined
  }
  return cached.model
}
