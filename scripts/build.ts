// Compiles the host, then every plugin workspace against the host's declarations, then writes
// oclif.manifest.json so that running one command loads that command's module only.
import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

const root = join(import.meta.dirname, '..')
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')

// dist/ is overwritten in place, not deleted first: a test running the built CLI meanwhile keeps working.
// `npm run build -- --clean` starts from an empty dist/.
const clean = process.argv.includes('--clean')

function compile(dir: string, project = dir): void {
  if (clean) rmSync(join(dir, 'dist'), {force: true, recursive: true})
  try {
    execFileSync(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], {stdio: 'inherit'})
  } catch {
    console.error(`build: TypeScript failed in ${dir}`)
    process.exit(1)
  }
}

compile(root, join(root, 'src'))
for (const name of readdirSync(join(root, 'plugins'))) {
  const dir = join(root, 'plugins', name)
  if (existsSync(join(dir, 'tsconfig.json')) && existsSync(join(dir, 'src'))) compile(dir)
}

// What `oclif manifest` does, without its publishing toolchain: load every command once, here,
// instead of on every run. Written atomically: a CLI started meanwhile reads the old or the new one.
async function writeManifest(): Promise<void> {
  const {Plugin, settings} = await import('@oclif/core')
  settings.enableAutoTranspile = false
  const plugin = new Plugin({errorOnManifestCreate: true, ignoreManifest: true, isRoot: true, respectNoCacheDefault: true, root})
  await plugin.load()
  const target = join(root, 'oclif.manifest.json')
  const temporary = `${target}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(plugin.manifest, null, 2)}\n`)
  renameSync(temporary, target)
}

try {
  await writeManifest()
} catch (error) {
  console.error(`build: oclif manifest failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
