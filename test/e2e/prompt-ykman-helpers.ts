import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {type Sandbox, vaultBin} from '../helpers/cli.ts'

export const pluginRoot = join(import.meta.dirname, '..', '..', 'plugins', 'prompt-ykman')

/** Links this plugin into the sandbox user's oclif data directory, as `vault plugins link` does for a user. */
export function linkPlugin(sandbox: Sandbox): void {
  execFileSync(process.execPath, [vaultBin, 'plugins', 'link', '--no-install', pluginRoot], {
    cwd: sandbox.home,
    env: sandbox.env(),
    stdio: 'pipe',
  })
}

/**
 * A stand-in `ykman` first on PATH: records its arguments (NUL-separated) and whether its
 * stdin is a terminal, says something on stderr, optionally waits for a release file,
 * then prints the code it finds in a file (so that no code ever travels in argv).
 */
export function fakeYkman(dir: string): {bin: string; argvFile: string; codeFile: string; releaseFile: string; stdinFile: string} {
  const bin = join(dir, 'fake-bin')
  mkdirSync(bin, {recursive: true})
  const files = {
    argvFile: join(dir, 'ykman.argv'),
    codeFile: join(dir, 'ykman.code'),
    releaseFile: join(dir, 'ykman.release'),
    stdinFile: join(dir, 'ykman.stdin'),
  }
  const script = `#!/bin/sh
printf '%s\\0' "$@" > '${files.argvFile}'
if [ -n "$AWS_VAULT_FILE_PASSPHRASE" ]; then echo has-passphrase > '${files.argvFile}.env'; else echo no-passphrase > '${files.argvFile}.env'; fi
if [ -t 0 ]; then echo tty > '${files.stdinFile}'; else echo not-a-tty > '${files.stdinFile}'; fi
echo "fake ykman: reading the OATH applet" >&2
if [ -n "$FAKE_YKMAN_WAIT" ]; then while [ ! -e '${files.releaseFile}' ]; do sleep 0.05; done; fi
if [ -n "$FAKE_YKMAN_FAIL" ]; then echo "fake ykman: no YubiKey detected" >&2; exit 2; fi
cat '${files.codeFile}'
echo
`
  writeFileSync(join(bin, 'ykman'), script)
  chmodSync(join(bin, 'ykman'), 0o755)
  return {bin, ...files}
}

export function recordedArgv(file: string): string[] {
  const text = execFileSync('cat', [file], {encoding: 'utf8'})
  return text.split('\0').slice(0, -1)
}
