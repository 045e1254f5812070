import {execFileSync, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'

import type {BackendContext} from '@vault-aws/cli/plugin-api'

import {findExecutable} from '../../../src/lib/executable.ts'
import {itemCodec} from '../../../src/lib/keyring/item-codec.ts'

/** The real keyctl is what these tests are about: its absence fails them, it never skips them. */
export function requireKeyctl(): void {
  if (spawnSync('sh', ['-c', 'command -v keyctl']).status !== 0) {
    throw new Error('the keyctl backend tests need the real `keyctl`: apt-get install -y --no-install-recommends keyutils')
  }
}

export function context(env: Record<string, string | undefined>): BackendContext & {debugged: string[]} {
  const debugged: string[] = []
  const fullEnv = {PATH: process.env.PATH, ...env}
  return {
    env: fullEnv,
    findExecutable: (command: string) => findExecutable(command, fullEnv.PATH),
    homedir: '/nonexistent-home',
    items: itemCodec,
    debugged,
    debug: (message: string) => void debugged.push(message),
    promptSecret: () => Promise.reject(new Error('the keyctl backend never prompts')),
  }
}

/** A keyring name of its own for each test file, so runs never share items. */
export function testRing(): string {
  return `vault-test-${randomBytes(4).toString('hex')}`
}

/** keyctl as a user would run it, in a session of its own that holds the user keyring. */
export function keyctl(args: string[], input?: string | Buffer): string {
  return execFileSync('keyctl', ['session', '-', 'sh', '-c', 'keyctl link @u @s >/dev/null && exec keyctl "$@"', 'sh', ...args], {
    input: input === undefined ? undefined : Buffer.from(input),
    stdio: ['pipe', 'pipe', 'ignore'],
  }).toString('utf8')
}

/** The id of the keyring `name` in the user keyring, or undefined. */
export function ringId(name: string): string | undefined {
  try {
    return keyctl(['search', '@u', 'keyring', name]).trim()
  } catch {
    return undefined
  }
}

/** Unlinks the test keyring from the user (and persistent) keyring: the kernel then frees it and its keys. */
export function dropRing(name: string): void {
  spawnSync('keyctl', [
    'session',
    '-',
    'sh',
    '-c',
    `keyctl link @u @s >/dev/null; p=$(keyctl get_persistent @s); for parent in @u "$p"; do id=$(keyctl search "$parent" keyring "$1" 2>/dev/null) && keyctl unlink "$id" "$parent" >/dev/null; done; true`,
    'sh',
    name,
  ])
}
