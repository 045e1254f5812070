// A real npm registry (verdaccio) on loopback, with its storage in a temporary directory.
// verdaccio is not a project dependency: it is installed once into .ci/.verdaccio from the
// registry npm is configured with, so a clean clone gets it on the first run.
import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, rename, rm, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {repoRoot} from './cli.ts'
import {patient} from './patience.ts'

const VERDACCIO_VERSION = '6.10.4'
const installDir = join(repoRoot, '.ci', '.verdaccio')
const verdaccioBin = join(installDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio')

/** The npm CLI that `vault plugins install` runs too (plugin-plugins pins one), started with this Node. */
export const npmCli: string = (() => {
  const require = createRequire(join(repoRoot, 'node_modules', '@oclif', 'plugin-plugins', 'package.json'))
  return join(require.resolve('npm/package.json'), '..', 'bin', 'npm-cli.js')
})()

export interface NpmResult {
  stdout: string
  stderr: string
}

/** Runs npm with exactly `env` (plus PATH); rejects with npm's output when it fails. */
export function npm(args: string[], options: {cwd: string; env: Record<string, string>; timeoutMs?: number}): Promise<NpmResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [npmCli, ...args],
      {
        cwd: options.cwd,
        env: {PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env},
        maxBuffer: 16 * 1024 * 1024,
        timeout: patient(options.timeoutMs ?? 120_000),
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`npm ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`))
        else resolve({stderr, stdout})
      },
    )
  })
}

/**
 * Installs verdaccio into .ci/.verdaccio unless it is there. Installs into a fresh directory
 * and renames it into place, so an interrupted install is never mistaken for a finished one.
 * Returns how long the install took (0 when it was already there).
 */
export async function ensureVerdaccio(): Promise<number> {
  if (existsSync(verdaccioBin)) return 0
  const started = performance.now()
  await mkdir(join(repoRoot, '.ci'), {recursive: true})
  const staging = await mkdtemp(join(repoRoot, '.ci', '.verdaccio-install-'))
  try {
    // One of verdaccio's dependencies asks for a dist-tag that a registry mirror may not serve.
    const manifest = {
      dependencies: {verdaccio: VERDACCIO_VERSION},
      description: 'The npm registry the plugin tests publish to; installed by test/helpers/verdaccio.ts',
      overrides: {'verdaccio-audit': {'node-fetch': '2.7.0'}},
      private: true,
    }
    await writeFile(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    // Nothing here is the project's: git ignores the whole directory.
    await writeFile(join(staging, '.gitignore'), '*\n')
    const env: Record<string, string> = {HOME: process.env.HOME ?? staging}
    for (const name of ['NODE_EXTRA_CA_CERTS', 'npm_config_registry', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) {
      const value = process.env[name]
      if (value !== undefined) env[name] = value
    }
    await npm(['install', '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev'], {cwd: staging, env, timeoutMs: 300_000})
    // Another run may have finished first: its copy is as good as this one.
    await rename(staging, installDir).catch((error: unknown) => {
      if (!existsSync(verdaccioBin)) throw error
    })
    await rm(staging, {force: true, recursive: true})
  } catch (error) {
    await rm(staging, {force: true, recursive: true})
    throw error
  }
  return performance.now() - started
}

export interface Registry {
  /** `http://127.0.0.1:PORT/` */
  url: string
  /** A userconfig holding the publisher's token: pass it as `npm_config_userconfig` to publish. */
  npmrc: string
  /** Publishes the package in `dir` as it is (no scripts run). */
  publish(dir: string): Promise<void>
  stop(): Promise<void>
}

export interface RegistryOptions {
  /** Package scopes served only from this registry's storage, e.g. `@vault-aws`. */
  scopes: string[]
}

/**
 * Starts verdaccio on a free loopback port with storage under a new temporary directory.
 * It has no uplink: every package the test installs must have been published to it.
 */
export async function startRegistry(options: RegistryOptions): Promise<Registry> {
  await ensureVerdaccio()
  const root = await mkdtemp(join(tmpdir(), 'vault-registry-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  const scopes = options.scopes
    .map((scope) => `  '${scope}/*': {access: $all, publish: $authenticated, unpublish: $authenticated}\n`)
    .join('')
  await writeFile(
    join(root, 'config.yaml'),
    [
      'storage: ./storage',
      'auth: {htpasswd: {file: ./htpasswd, max_users: 1000}}',
      'packages:',
      scopes.trimEnd(),
      "  '**': {access: $all, publish: $authenticated}",
      'middlewares: {audit: {enabled: false}}',
      'log: {type: stdout, format: pretty, level: warn}',
      'publish: {allow_offline: true}',
      '',
    ].join('\n'),
  )
  const child = spawn(process.execPath, [verdaccioBin, '--config', join(root, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    cwd: root,
    env: {HOME: root, PATH: process.env.PATH ?? '/usr/bin:/bin'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const stop = async (): Promise<void> => {
    await kill(child)
    await rm(root, {force: true, recursive: true})
  }
  try {
    await waitForPing(url, child, () => output)
    const token = await createUser(url)
    const npmrc = join(root, 'publisher.npmrc')
    await writeFile(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`, {mode: 0o600})
    const publishHome = join(root, 'publisher')
    await mkdir(publishHome)
    const publish = async (dir: string): Promise<void> => {
      await npm(['publish', dir, '--ignore-scripts', '--access', 'public', '--registry', url], {
        cwd: publishHome,
        env: {HOME: publishHome, npm_config_cache: join(root, 'npm-cache'), npm_config_userconfig: npmrc},
      })
    }
    return {npmrc, publish, stop, url}
  } catch (error) {
    await stop()
    throw error
  }
}

async function waitForPing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + patient(30_000)
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}: ${output()}`)
    try {
      const response = await fetch(`${url}-/ping`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`verdaccio did not answer ${url}-/ping: ${output()}`)
    await sleep(100)
  }
}

async function createUser(url: string): Promise<string> {
  const name = 'publisher'
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    body: JSON.stringify({name, password: `pw-${Math.random().toString(36).slice(2)}`, type: 'user'}),
    headers: {'content-type': 'application/json'},
    method: 'PUT',
  })
  const body = (await response.json()) as {token?: string}
  if (!response.ok || !body.token) throw new Error(`verdaccio refused the new user: ${response.status} ${JSON.stringify(body)}`)
  return body.token
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))])
}
