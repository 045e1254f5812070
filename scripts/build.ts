// Compiles the host, then every plugin workspace against the host's declarations, then writes
// oclif.manifest.json so that running one command loads that command's module only, and the start
// path as one module.
import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {builtinModules, createRequire} from 'node:module'
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

// What answers before oclif loads (src/lib/start) ships as few modules as possible: Node spends most of
// such a run loading modules one by one. Packages stay separate modules.
//
// Node's built-in modules load when a bundle first uses one of their members, not when it is imported:
// the start path needs few of them (the lock's node:net, the MFA process's node:child_process never run
// there), and an ESM import of a built-in also reads every one of its exports, which loads more
// (node:fs's `promises` and the stream modules behind fs.ReadStream, node:crypto's `webcrypto`). Each
// becomes a CommonJS module of getters that asks process.getBuiltinModule (Node >= 22.3; createRequire
// before that) on first use.
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))
const requireBuiltin = createRequire(import.meta.url)
const lazyBuiltins: BundlerPlugin = {
  name: 'lazy-builtins',
  setup(bundler) {
    bundler.onResolve({filter: /^[a-z:_/]+$/}, (args) =>
      builtins.has(args.path) ? {namespace: 'lazy-builtin', path: args.path.replace(/^(node:)?/, 'node:')} : undefined,
    )
    bundler.onLoad({filter: /.*/, namespace: 'lazy-builtin'}, (args) => {
      const members = Object.keys(requireBuiltin(args.path) as object)
      const getters = members.map((name) => `get ${JSON.stringify(name)}() { return load()[${JSON.stringify(name)}] }`)
      const id = JSON.stringify(args.path)
      return {
        contents: ['let loaded', `const load = () => (loaded ??= builtinOfBundle(${id}))`, `module.exports = {${getters.join(', ')}}`].join(
          '\n',
        ),
        loader: 'js',
      }
    })
  },
}

/** Bundles `entry` and what it imports of its own into `outfile` (which may be `entry`), written atomically. */
async function bundleModule(entry: string, outfile: string, plugins: BundlerPlugin[] = []): Promise<void> {
  const temporary = `${outfile}.${process.pid}.tmp`
  try {
    await build({
      // What the lazy built-ins load through (bin/main.js has loaded node:module already).
      banner: {
        js: [
          "import {createRequire as createRequireOfBundle} from 'node:module'",
          'const builtinOfBundle = (id) => process.getBuiltinModule?.(id) ?? createRequireOfBundle(import.meta.url)(id)',
        ].join('\n'),
      },
      bundle: true,
      entryPoints: [entry],
      format: 'esm',
      logLevel: 'warning',
      outfile: temporary,
      packages: 'external',
      platform: 'node',
      plugins: [...plugins, lazyBuiltins],
      target: 'node22',
    })
    renameSync(temporary, outfile)
  } catch (error) {
    console.error(`build: bundling ${relative(root, entry)} failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}

// The start path (src/lib/start/index.ts) answers credential_process and `vault list` before oclif loads:
// one module of vault's own code (dist/lib/start/bundle.js), which bin/main.js loads. Every lazy import except the
// start path's own stays a separate file: the AWS SDK and the prompts load only when the full command
// needs them.
const startDir = join(root, 'dist', 'lib', 'start')
const startBundle = join(startDir, 'bundle.js')
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

await bundleModule(join(startDir, 'index.js'), startBundle, [keepLazyImportsApart])
// `vault --version`: its module and the few it imports, in place.
await bundleModule(join(startDir, 'version.js'), join(startDir, 'version.js'))

// The file backend's hook file, in place, with everything it loads when the backend is used (jose stays a
// package): the start path opens this backend on every credential_process call, and would otherwise load
// its modules one by one. Its modules are imported nowhere else in vault's process, so bundling them
// makes no second copy of any of them.
const fileBackendHook = join(root, 'plugins', 'backend-file', 'dist', 'hooks', 'backends.js')
await bundleModule(fileBackendHook, fileBackendHook)
