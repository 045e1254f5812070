// What the release tests share: the artefacts of one `scripts/pack.ts` run per mocha process, a way to
// run a program with exactly the environment given, and a PATH without a Node that vault could run on.
import {execFile, spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {mkdtemp, readdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {repoRoot, type RunResult} from '../helpers/cli.ts'

export interface Artefacts {
  dir: string
  version: string
  host: string
  plugin(name: string): string
  standalone: string
  deb: string
  files: string[]
}

let packing: Promise<Artefacts> | undefined

/**
 * Packs the built checkout once per run (a minute or more), into a temporary directory; or, to re-run
 * these tests against artefacts already packed, takes the directory VAULT_TEST_PACKED names.
 */
export function artefacts(): Promise<Artefacts> {
  packing ??= (async () => {
    const given = process.env.VAULT_TEST_PACKED
    const dir = given ?? (await mkdtemp(join(tmpdir(), 'vault-pack-test-')))
    // A hundred megabytes or more: gone when the tests end, unless they were someone else's.
    if (!given) process.once('exit', () => rmSync(dir, {force: true, recursive: true}))
    if (!given)
      await new Promise<void>((resolve, reject) => {
        execFile(
          process.execPath,
          [join(repoRoot, 'scripts', 'pack.ts'), '--no-build', '--out', dir],
          {cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, timeout: 900_000},
          (error, _stdout, stderr) => (error ? reject(new Error(`pack failed: ${error.message}\n${stderr}`)) : resolve()),
        )
      })
    const files = await readdir(dir)
    const version = (await import(join(repoRoot, 'package.json'), {with: {type: 'json'}})).default.version as string
    const find = (pattern: RegExp): string => {
      const found = files.find((file) => pattern.test(file))
      if (!found) throw new Error(`pack wrote no ${pattern} in ${dir}: ${files.join(', ')}`)
      return join(dir, found)
    }
    return {
      deb: find(/^vault-aws_.*_amd64\.deb$/),
      dir,
      files,
      host: find(/^vault-aws-cli-.*\.tgz$/),
      plugin: (name: string) => find(new RegExp(`^vault-aws-plugin-${name}-.*\\.tgz$`)),
      standalone: find(/^vault-v.*-linux-x64\.tar\.gz$/),
      version,
    }
  })()
  return packing
}

/** The directories a fresh Debian root shell has on PATH: here the only Node on them is Debian's own, if any. */
export const systemPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** Runs `command` with exactly `env`; never rejects on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: {env: Record<string, string | undefined>; cwd?: string; timeoutMs?: number},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined))
    const child = spawn(command, args, {cwd: options.cwd ?? tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timeoutMs = options.timeoutMs ?? 60_000
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${stderr}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stderr, stdout})
    })
  })
}

/** Like run, but throws with the output when the command fails. */
export async function succeed(
  command: string,
  args: string[],
  options: {env: Record<string, string | undefined>; cwd?: string; timeoutMs?: number},
): Promise<RunResult> {
  const result = await run(command, args, options)
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  return result
}

/** The major version of the `node` a shell finds on `path`, 0 when there is none. */
export async function nodeMajorOn(path: string): Promise<number> {
  const result = await run('/bin/sh', ['-c', 'command -v node >/dev/null && node -p "process.versions.node.split(\\".\\")[0]"'], {
    env: {PATH: path},
  })
  return result.code === 0 ? Number(result.stdout.trim()) : 0
}
