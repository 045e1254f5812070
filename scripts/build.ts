// Compiles the host, then every plugin workspace against the host's declarations, then writes
// oclif.manifest.json so that running one command loads that command's module only, and the start
// path as one module.
import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

import {build, type Plugin as BundlerPlugin} from 'esbuild'

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

/**
 * The plugin directories to compile, each after the workspace plugins it depends on (the KWallet backend
 * compiles against the declarations of the keyring plugin's D-Bus client).
 */
function pluginsInBuildOrder(): string[] {
  const plugins = new Map<string, {dir: string; needs: string[]}>()
  for (const name of readdirSync(join(root, 'plugins')).sort()) {
    const dir = join(root, 'plugins', name)
    if (!existsSync(join(dir, 'tsconfig.json')) || !existsSync(join(dir, 'src'))) continue
    const pjson = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {name: string; dependencies?: Record<string, string>}
    plugins.set(pjson.name, {dir, needs: Object.keys(pjson.dependencies ?? {})})
  }
  const ordered: string[] = []
  const visit = (name: string, path: string[]): void => {
    const plugin = plugins.get(name)
    if (plugin === undefined || ordered.includes(plugin.dir)) return
    if (path.includes(name)) throw new Error(`build: plugins depend on each other in a circle: ${[...path, name].join(' → ')}`)
    for (const needed of plugin.needs) visit(needed, [...path, name])
    ordered.push(plugin.dir)
  }
  for (const name of plugins.keys()) visit(name, [])
  return ordered
}

compile(root, join(root, 'src'))
for (const dir of pluginsInBuildOrder()) compile(dir)

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

// The start path (src/lib/start/exec-json.ts) answers credential_process before oclif loads, and Node
// spends most of that time loading modules one by one: it ships as one module of vault's own code
// (dist/lib/start/bundle.js), which bin/main.js loads. Packages stay separate modules, and so does every
// lazy import except the start path's own: the AWS SDK and the prompts load only when the full command
// needs them, from their own files.
const startBundle = join(root, 'dist', 'lib', 'start', 'bundle.js')
const lazyImportsOfTheStartPath = [join('dist', 'lib', 'providers', 'index.js'), join('dist', 'lib', 'prompt', 'select-driver.js')]

const keepLazyImportsApart: BundlerPlugin = {
  name: 'keep-lazy-imports-apart',
  setup(bundler) {
    bundler.onResolve({filter: /^\./}, (args) => {
      if (args.kind !== 'dynamic-import') return undefined
      const target = resolve(args.resolveDir, args.path)
      if (lazyImportsOfTheStartPath.some((path) => target === join(root, path))) return undefined
      const path = relative(dirname(startBundle), target)
      return {external: true, path: path.startsWith('.') ? path : `./${path}`}
    })
  },
}

try {
  const temporary = `${startBundle}.${process.pid}.tmp`
  await build({
    bundle: true,
    entryPoints: [join(root, 'dist', 'lib', 'start', 'exec-json.js')],
    format: 'esm',
    logLevel: 'warning',
    outfile: temporary,
    packages: 'external',
    platform: 'node',
    plugins: [keepLazyImportsApart],
    target: 'node22',
  })
  renameSync(temporary, startBundle)
} catch (error) {
  console.error(`build: bundling the start path failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
