import {join, resolve} from 'node:path'

import {keyringError} from './errors.ts'

export interface PassSettings {
  /** The password store, absolute. */
  dir: string
  /** The pass executable as configured: a name looked up on PATH, or a path. */
  command: string
  /** The folder inside the store that holds the entries; empty for the store's root. */
  prefix: string
}

type Env = Readonly<Record<string, string | undefined>>

/**
 * aws-vault's settings: AWS_VAULT_PASS_PASSWORD_STORE_DIR (with `~` expanded as aws-vault
 * does), then pass's own PASSWORD_STORE_DIR, then pass's default `~/.password-store`.
 */
export function resolveSettings(env: Env, homedir: string): PassSettings {
  return {
    dir: resolveDir(env, homedir),
    command: env.AWS_VAULT_PASS_CMD || 'pass',
    prefix: env.AWS_VAULT_PASS_PREFIX ?? '',
  }
}

function resolveDir(env: Env, homedir: string): string {
  const configured = env.AWS_VAULT_PASS_PASSWORD_STORE_DIR
  if (configured) return resolve(expandHome(configured, homedir))
  if (env.PASSWORD_STORE_DIR) return resolve(env.PASSWORD_STORE_DIR)
  return join(homedir, '.password-store')
}

function expandHome(path: string, homedir: string): string {
  if (!path.startsWith('~')) return path
  if (path.length > 1 && path[1] !== '/') {
    throw keyringError('BACKEND_UNAVAILABLE', `cannot expand ${path} in AWS_VAULT_PASS_PASSWORD_STORE_DIR: only ~ and ~/ are understood`)
  }
  return join(homedir, path.slice(1))
}
