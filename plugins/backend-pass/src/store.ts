import {stat} from 'node:fs/promises'
import {join} from 'node:path'

import type {BackendContext} from '@vault-aws/cli/plugin-api'

import {prefixFolder} from './entry-name.ts'
import {keyringError} from './errors.ts'
import type {KeyringError} from './errors.ts'
import {notInitialised} from './pass-failure.ts'
import {resolveSettings} from './settings.ts'
import type {PassSettings} from './settings.ts'

export interface PassStore extends PassSettings {
  /** The pass executable, absolute. */
  executable: string
  /** The prefix as a folder of the store ('' for its root). */
  folder: string
}

/** The configured store, or the one reason it cannot be used. */
export async function inspectStore(ctx: BackendContext): Promise<PassStore | KeyringError> {
  let settings: PassSettings
  let folder: string
  try {
    settings = resolveSettings(ctx.env, ctx.homedir)
    folder = prefixFolder(settings.prefix)
  } catch (error) {
    return error as KeyringError
  }
  const executable = ctx.findExecutable(settings.command)
  if (executable === undefined) {
    return keyringError(
      'BACKEND_UNAVAILABLE',
      `the pass command ${JSON.stringify(settings.command)} was not found: install pass (Debian package "pass") or set AWS_VAULT_PASS_CMD`,
    )
  }
  const dirInfo = await stat(settings.dir).catch(() => undefined)
  if (!dirInfo?.isDirectory() && !ctx.env.PASSWORD_STORE_KEY) {
    return keyringError(
      'BACKEND_UNAVAILABLE',
      `no password store at ${settings.dir}: run "pass init <gpg-id>" or set AWS_VAULT_PASS_PASSWORD_STORE_DIR`,
    )
  }
  // Its owner could read every entry's name, replace entries, or change .gpg-id so that what vault
  // writes next is encrypted to a key of theirs.
  const me = process.getuid?.()
  if (dirInfo?.isDirectory() && me !== undefined && dirInfo.uid !== me) {
    return keyringError(
      'BACKEND_UNAVAILABLE',
      `the password store ${settings.dir} is owned by uid ${dirInfo.uid}, not by you (uid ${me}): vault does not use a store another user controls; chown it to yourself, or set AWS_VAULT_PASS_PASSWORD_STORE_DIR to a store of your own`,
    )
  }
  if (!(await isInitialised(settings.dir, folder, ctx.env))) return notInitialised(settings.dir)
  return {...settings, executable, folder}
}

/**
 * pass encrypts for the `.gpg-id` nearest above an entry, so one at the store's root or in
 * any folder down to the prefix will do; PASSWORD_STORE_KEY replaces them all.
 */
async function isInitialised(dir: string, folder: string, env: BackendContext['env']): Promise<boolean> {
  if (env.PASSWORD_STORE_KEY) return true
  const parts = folder === '' ? [] : folder.split('/')
  for (let depth = 0; depth <= parts.length; depth++) {
    const info = await stat(join(dir, ...parts.slice(0, depth), '.gpg-id')).catch(() => undefined)
    if (info?.isFile()) return true
  }
  return false
}

export async function openStore(ctx: BackendContext): Promise<PassStore> {
  const store = await inspectStore(ctx)
  if (store instanceof Error) throw store
  return store
}
