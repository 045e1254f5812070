import {mkdir} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {writeFileAtomic} from '../config/atomic-write.ts'
import {type HookHost, PluginRegistry} from '../registry/index.ts'
import {globalValueFlags} from '../start/argv.ts'
import {type CachedModel, MODEL_FORMAT, type Stamp, stamp} from './cache.ts'
import {type CommandShape, type CompletionModel, completionModel} from './model.ts'

/** What is needed of oclif's Config (structural, so this module stays free of oclif). */
export interface ModelHost extends HookHost {
  bin: string
  commands: readonly CommandShape[]
  root: string
  dataDir: string
  getPluginsList(): ReadonlyArray<{root: string}>
}

/** The flags that may come before the command: the ones the entry point moves behind it (src/lib/start/argv.ts). */
const LEADING_FLAGS = [...globalValueFlags, 'debug']

/**
 * The files the model is built from: package.json and manifest of vault and of every plugin, and
 * `<dataDir>/package.json`, where @oclif/core 5.1 reads the list of user-installed and linked plugins.
 */
export function modelStamps(host: ModelHost): Stamp[] {
  const roots = new Set([host.root, ...host.getPluginsList().map((plugin) => plugin.root)])
  const paths = [...roots].flatMap((root) => [join(root, 'package.json'), join(root, 'oclif.manifest.json')])
  return [...paths, join(host.dataDir, 'package.json')].map(stamp)
}

/** Every command of every plugin, and the backend and prompt-driver ids their hooks describe. */
export async function buildCompletionModel(host: ModelHost): Promise<CompletionModel> {
  const registry = new PluginRegistry(host)
  const [backends, prompts] = await Promise.all([registry.backends(), registry.prompts()])
  return completionModel(host.commands, {
    bin: host.bin,
    choices: {
      backend: backends.map(({descriptor}) => ({description: descriptor.summary, value: descriptor.id})),
      prompt: prompts.map(({descriptor}) => ({description: descriptor.summary, value: descriptor.id})),
    },
    leadingFlags: LEADING_FLAGS,
  })
}

/** Keeps `model` in `file` with the stamps of the files it was built from, taken before it was built. */
export async function writeModel(file: string, stamps: readonly Stamp[], model: CompletionModel): Promise<void> {
  await mkdir(dirname(file), {recursive: true})
  const cached: CachedModel = {format: MODEL_FORMAT, model, stamps: [...stamps]}
  await writeFileAtomic(file, `${JSON.stringify(cached)}\n`, {mode: 0o600})
}
