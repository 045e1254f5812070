// Builds a throwaway oclif host whose plugins are the fixture packages, so discovery runs
// through oclif's own plugin loading: bundled plugins resolved from the host's node_modules,
// user and linked plugins from the data directory's package.json.
import {mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Config} from '@oclif/core'

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'plugins')
/** oclif derives its environment variables from the bin name: `vault-fixture` → `VAULT_FIXTURE_*`. */
const BIN = 'vault-fixture'
const ENV_PREFIX = 'VAULT_FIXTURE_'

export interface FixturePlugins {
  /** Bundled plugins, in the order the host lists them. */
  core?: string[]
  user?: string[]
  link?: string[]
}

const created: string[] = []

export function fixturePath(name: string): string {
  return join(FIXTURES, name)
}

export async function loadFixtureConfig(plugins: FixturePlugins): Promise<Config> {
  const {core = [], user = [], link = []} = plugins
  const root = await mkdtemp(join(tmpdir(), 'vault-registry-'))
  created.push(root)

  await writeJson(join(root, 'package.json'), {
    name: 'vault-fixture-host',
    version: '1.0.0',
    private: true,
    type: 'module',
    oclif: {bin: BIN, dirname: BIN, plugins: core},
    dependencies: Object.fromEntries(core.map((name) => [name, '1.0.0'])),
  })
  await linkPackages(join(root, 'node_modules'), core)

  const dataDir = join(root, 'data')
  await writeJson(join(dataDir, 'package.json'), {
    private: true,
    oclif: {
      schema: 1,
      plugins: [
        ...user.map((name) => ({name, type: 'user', tag: 'latest'})),
        ...link.map((name) => ({name, type: 'link', root: fixturePath(name)})),
      ],
    },
  })
  await linkPackages(join(dataDir, 'node_modules'), user)

  return withEnv({DATA_DIR: dataDir, CACHE_DIR: join(root, 'cache'), CONFIG_DIR: join(root, 'config')}, () => Config.load({root}))
}

export async function removeFixtureHosts(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, {recursive: true, force: true})))
}

async function linkPackages(nodeModules: string, names: string[]): Promise<void> {
  await mkdir(nodeModules, {recursive: true})
  for (const name of names) await symlink(fixturePath(name), join(nodeModules, name), 'dir')
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), {recursive: true})
  await writeFile(path, JSON.stringify(value, null, 2))
}

/** oclif reads its directories from the environment while loading; nothing else may leak in. */
async function withEnv<T>(values: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.entries(process.env).filter(([key]) => key.startsWith(ENV_PREFIX))
  for (const [key] of saved) delete process.env[key]
  for (const [key, value] of Object.entries(values)) process.env[ENV_PREFIX + key] = value
  try {
    return await run()
  } finally {
    for (const key of Object.keys(values)) delete process.env[ENV_PREFIX + key]
    for (const [key, value] of saved) process.env[key] = value
  }
}
