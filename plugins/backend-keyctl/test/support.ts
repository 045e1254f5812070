import {execFileSync, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'

import type {BackendContext} from '@vault-aws/cli/plugin-api'

import {backendContext, type Recorded} from '@vault-aws/cli/plugin-testkit'

/** The real keyctl is what these tests are about: its absence fails them, it never skips them. */
export function requireKeyctl(): void {
  if (spawnSync('sh', ['-c', 'command -v keyctl']).status !== 0) {
    throw new Error('the keyctl backend tests need the real `keyctl`: apt-get install -y --no-install-recommends keyutils')
  }
}

/** No promptSecret: the keyctl backend never prompts. */
export function context(env: Record<string, string | undefined>): BackendContext & Recorded {
  return backendContext({env: {PATH: process.env.PATH, ...env}})
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
