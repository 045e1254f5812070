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
const builtinId = (specifier: string) => specifier.replace(/^(node:)?/, 'node:')

/**
 * The members of each built-in that bundled code reads, from esbuild's output: each import of a built-in
 * becomes a variable (`import_node_fs2 = __toESM(require_node_fs())`) whose members are read as
 * `import_node_fs2.readFileSync`; a variable used any other way (a namespace passed on) needs them all (`*`).
 */
function builtinMembersRead(code: string): Map<string, Set<string>> {
  const builtinOf = new Map<string, string>()
  for (const [, loader, id] of code.matchAll(/\bvar (require_[\w$]+) = __commonJS\(\{\s*"lazy-builtin:([^"]+)"/g)) {
    builtinOf.set(loader as string, id as string)
  }
  const members = new Map<string, Set<string>>()
  for (const [, variable, loader] of code.matchAll(/\b(import_[\w$]+) = __toESM\((require_[\w$]+)\(\)/g)) {
    const id = builtinOf.get(loader as string)
    if (id === undefined) continue
    const read = members.get(id) ?? new Set<string>()
    members.set(id, read)
    for (const use of code.matchAll(
      new RegExp(
        `(^\\s*var [\\w$, ]*)?\\b${(variable as string).replaceAll('$', '\\$')}\\b(\\s*\\.\\s*([\\w$]+)|\\s*=\\s*__toESM\\(|[\\w$, ]*;$)?`,
        'gm',
      ),
    )) {
      if (use[3] !== undefined) read.add(use[3])
      else if (use[2] === undefined || (use[1] === undefined && !/=\s*__toESM/.test(use[2]))) read.add('*')
    }
  }
  return members
}

function lazyBuiltins(members: Map<string, Set<string>> | undefined): BundlerPlugin {
  return {
    name: 'lazy-builtins',
    setup(bundler) {
      bundler.onResolve({filter: /^[a-z:_/]+$/}, (args) =>
        builtins.has(args.path) ? {namespace: 'lazy-builtin', path: builtinId(args.path)} : undefined,
      )
      bundler.onLoad({filter: /.*/, namespace: 'lazy-builtin'}, (args) => {
        const all = Object.keys(requireBuiltin(args.path) as object)
        const wanted = members?.get(args.path)
        const names = wanted === undefined || wanted.has('*') ? all : all.filter((name) => wanted.has(name))
        const getters = names.map((name) => `get ${JSON.stringify(name)}() { return load()[${JSON.stringify(name)}] }`)
        const id = JSON.stringify(args.path)
        return {
          contents: [
            'let loaded',
            `const load = () => (loaded ??= builtinOfBundle(${id}))`,
            `module.exports = {${getters.join(', ')}}`,
          ].join('\n'),
          loader: 'js',
        }
      })
    },
  }
}

/** Bundles `entry` and what it imports of its own into `outfile` (which may be `entry`), written atomically. */
async function bundleModule(entry: string, outfile: string, plugins: BundlerPlugin[] = []): Promise<void> {
  const temporary = `${outfile}.${process.pid}.tmp`
  const options = {
    // What the lazy built-ins load through (bin/main.js has loaded node:module already).
    banner: {
      js: [
        "import {createRequire as createRequireOfBundle} from 'node:module'",
        'const builtinOfBundle = (id) => process.getBuiltinModule?.(id) ?? createRequireOfBundle(import.meta.url)(id)',
      ].join('\n'),
    },
    bundle: true,
    entryPoints: [entry],
    format: 'esm' as const,
    logLevel: 'warning' as const,
    outfile: temporary,
    packages: 'external' as const,
    platform: 'node' as const,
    target: 'node22',
  }
  try {
    // Once with a getter for every member of every built-in, to see which members the code reads; then
    // with getters for those only (a getter per member of node:fs alone is a hundred).
    const first = await build({...options, plugins: [...plugins, lazyBuiltins(undefined)], write: false})
    const read = builtinMembersRead(first.outputFiles[0]?.text ?? '')
    await build({...options, plugins: [...plugins, lazyBuiltins(read)]})
    const missing = [...builtinMembersRead(readFileSync(temporary, 'utf8'))].flatMap(([id, names]) =>
      [...names].filter((name) => !read.get(id)?.has(name) && !read.get(id)?.has('*')).map((name) => `${id}.${name}`),
    )
    if (missing.length > 0) throw new Error(`members read without a getter: ${missing.join(', ')}`)
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
