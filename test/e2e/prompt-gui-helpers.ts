import {execFile, execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {promisify} from 'node:util'

import {type Sandbox, vaultBin} from '../helpers/cli.ts'

const run = promisify(execFile)

export const pluginRoot = join(import.meta.dirname, '..', '..', 'plugins', 'prompt-gui')

/** Links this plugin into the sandbox user's oclif data directory, as `vault plugins link` does for a user. */
export function linkPlugin(sandbox: Sandbox): void {
  execFileSync(process.execPath, [vaultBin, 'plugins', 'link', '--no-install', pluginRoot], {
    cwd: sandbox.home,
    env: sandbox.env(),
    stdio: 'pipe',
  })
}

/** A private X server (Xvfb) on a display number it picks itself. */
export class VirtualDisplay {
  readonly display: string
  readonly #server: ChildProcess

  private constructor(display: string, server: ChildProcess) {
    this.display = display
    this.#server = server
  }

  static async start(): Promise<VirtualDisplay> {
    const server = spawn('Xvfb', ['-displayfd', '1', '-nolisten', 'tcp', '-screen', '0', '1024x768x24'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const number = await new Promise<string>((resolve, reject) => {
      server.once('error', reject)
      server.once('exit', (code) => reject(new Error(`Xvfb exited with code ${code} before it was ready`)))
      createInterface({input: server.stdout!}).once('line', (line) => resolve(line.trim()))
    })
    server.removeAllListeners('exit')
    return new VirtualDisplay(`:${number}`, server)
  }

  /** Waits for a visible window whose title matches, focuses it, types and presses keys. */
  async answer(titlePattern: string, text: string | undefined, key: 'Return' | 'Escape'): Promise<void> {
    const env = {...process.env, DISPLAY: this.display}
    const xdotool = (...args: string[]) => run('xdotool', args, {env, timeout: 15_000})
    const {stdout} = await xdotool('search', '--sync', '--onlyvisible', '--name', titlePattern)
    const window = stdout.trim().split('\n')[0] as string
    // No window manager runs: windowactivate would fail, windowfocus works
    await xdotool('windowfocus', '--sync', window)
    if (text !== undefined) await xdotool('type', '--delay', '10', text)
    await xdotool('key', key)
  }

  stop(): void {
    this.#server.kill()
  }
}

/**
 * A stand-in dialog program first on PATH: records its arguments (NUL-separated), then
 * prints the code it finds in a file (so that no code travels in argv) or exits with a status.
 */
export function fakeDialog(dir: string, name: string): {bin: string; argvFile: string; codeFile: string; statusFile: string} {
  const bin = join(dir, 'fake-bin')
  mkdirSync(bin, {recursive: true})
  const files = {argvFile: join(dir, `${name}.argv`), codeFile: join(dir, `${name}.code`), statusFile: join(dir, `${name}.status`)}
  writeFileSync(
    join(bin, name),
    `#!/bin/sh
printf '%s\\0' "$@" > '${files.argvFile}'
if [ -s '${files.statusFile}' ]; then echo "${name}: the stand-in says no" >&2; exit "$(cat '${files.statusFile}')"; fi
cat '${files.codeFile}'
echo
`,
  )
  chmodSync(join(bin, name), 0o755)
  return {bin, ...files}
}

export function recordedArgv(file: string): string[] {
  return readFileSync(file, 'utf8').split('\0').slice(0, -1)
}
