import {type Stats, statSync} from 'node:fs'
import {chmod, mkdir} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import {keyringError} from './errors.ts'

export const DEFAULT_DIR = '~/.awsvault/keys/'
const DIR_MODE = 0o700

/** AWS_VAULT_FILE_DIR or aws-vault's default, with a leading `~/` expanded as aws-vault does. */
export function resolveStoreDir(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const configured = env.AWS_VAULT_FILE_DIR || DEFAULT_DIR
  const expanded = configured.startsWith('~/') ? join(homedir, configured.slice(2)) : configured
  return resolve(expanded)
}

/**
 * Makes `dir` (and any parent it has to create) 0700 whatever the umask, and tightens an
 * existing directory that others can reach. A directory another user owns is refused: its owner
 * could read or replace every item, so tightening its mode would protect nothing.
 */
export async function ensureStoreDir(dir: string, debug: (message: string) => void): Promise<void> {
  // Synchronous, as every open of the store makes it: node:fs/promises costs more to load than the call.
  let existing: Stats | undefined
  try {
    existing = statSync(dir)
  } catch (error) {
    const {code, message} = error as NodeJS.ErrnoException
    if (code !== 'ENOENT') throw keyringError('BACKEND_UNAVAILABLE', `cannot use ${dir}: ${code ?? message}`)
  }
  if (existing === undefined) {
    const firstCreated = await mkdir(dir, {recursive: true, mode: DIR_MODE}).catch((error: NodeJS.ErrnoException) => {
      throw keyringError('BACKEND_UNAVAILABLE', `cannot create ${dir}: ${error.code ?? error.message}`)
    })
    for (const created of createdChain(firstCreated ?? dir, dir)) await chmod(created, DIR_MODE)
    debug(`created ${dir} (mode 0700)`)
    return
  }
  if (!existing.isDirectory()) throw keyringError('BACKEND_UNAVAILABLE', `${dir} is not a directory`)
  const me = process.getuid?.()
  if (me !== undefined && existing.uid !== me) {
    throw keyringError(
      'BACKEND_UNAVAILABLE',
      `the store directory ${dir} is owned by uid ${existing.uid}, not by you (uid ${me}): vault does not use a store another user controls; chown it to yourself, or set AWS_VAULT_FILE_DIR to a directory of your own`,
    )
  }
  const mode = existing.mode & 0o777
  if ((mode & 0o077) !== 0) {
    try {
      await chmod(dir, DIR_MODE)
      debug(`tightened ${dir} from mode 0${mode.toString(8)} to 0700`)
    } catch (error) {
      debug(`${dir} has mode 0${mode.toString(8)} and could not be tightened: ${(error as NodeJS.ErrnoException).code}`)
    }
  }
}

/** The directories from `first` down to `leaf`, the ones mkdir -p created. */
function createdChain(first: string, leaf: string): string[] {
  const chain: string[] = []
  for (let current = leaf; ; current = dirname(current)) {
    chain.unshift(current)
    if (current === first || dirname(current) === current) return chain
  }
}
