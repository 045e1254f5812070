import {randomBytes} from 'node:crypto'
import type {Dirent} from 'node:fs'
import {readdir, stat} from 'node:fs/promises'
import {join, posix} from 'node:path'

import {keyringError} from './errors.ts'

export const ENTRY_SUFFIX = '.gpg'

// An entry being written, before it is renamed over the real one; never listed as a key.
const TEMPORARY_PREFIX = '.vault-write-'

/** A fresh name beside `name` (same folder, so the same recipients) for writing it safely. */
export function temporaryEntryName(name: string): string {
  const slash = name.lastIndexOf('/')
  return `${name.slice(0, slash + 1)}${TEMPORARY_PREFIX}${randomBytes(8).toString('hex')}`
}

/** Entries beside `name` that a killed writer left, untouched for `olderThanMs`. */
export async function staleTemporaryEntries(storeDir: string, name: string, olderThanMs: number, now = Date.now()): Promise<string[]> {
  const folder = name.slice(0, name.lastIndexOf('/') + 1)
  const names = await readdir(join(storeDir, folder)).catch(() => [] as string[])
  const stale: string[] = []
  for (const file of names) {
    if (!file.startsWith(TEMPORARY_PREFIX) || !file.endsWith(ENTRY_SUFFIX)) continue
    const info = await stat(join(storeDir, folder, file)).catch(() => undefined)
    if (info !== undefined && now - info.mtimeMs > olderThanMs) stale.push(`${folder}${file.slice(0, -ENTRY_SUFFIX.length)}`)
  }
  return stale
}

/** Go's path cleaning, which aws-vault applies when it joins the prefix and the key. */
export function goClean(path: string): string {
  if (path === '') return '.'
  const normalized = posix.normalize(path)
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized
}

/** The prefix as a folder of the store: cleaned, relative, '' for the store's root. */
export function prefixFolder(prefix: string): string {
  const folder = goClean(prefix).replace(/^\/+/, '')
  if (folder === '..' || folder.startsWith('../')) {
    throw keyringError('BACKEND_UNAVAILABLE', `AWS_VAULT_PASS_PREFIX ${JSON.stringify(prefix)} points outside the password store`)
  }
  return folder === '.' ? '' : folder
}

/**
 * The pass entry that holds `key`: aws-vault joins prefix and key as paths, so a `/` in a key
 * makes folders and repeated slashes collapse (`oidc:https://x` lives at `oidc:https:/x`).
 * Undefined for a key that names no entry inside the prefix (empty, `.`, `../…`).
 */
export function entryName(folder: string, key: string): string | undefined {
  if (key === '') return undefined
  const name = goClean(folder === '' ? key : `${folder}/${key}`).replace(/^\/+/, '')
  if (folder === '') return name === '' || name === '.' || name === '..' || name.startsWith('../') ? undefined : name
  return name.startsWith(`${folder}/`) ? name : undefined
}

/**
 * The keys under `root` the way aws-vault lists them: every `.gpg` file below it, named by its
 * path relative to `root` without the suffix, symlinked folders not followed.
 */
export async function listEntryKeys(root: string): Promise<string[]> {
  const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw keyringError('BACKEND_UNAVAILABLE', `cannot list ${root}: ${error.code ?? error.message}`)
  })
  if (info === undefined) return []
  if (!info.isDirectory()) throw keyringError('BACKEND_UNAVAILABLE', `${root} is not a directory`)
  const keys: string[] = []
  await walk(root, '', keys)
  return keys.sort()
}

async function walk(root: string, relative: string, keys: string[]): Promise<void> {
  let entries: Dirent[]
  try {
    entries = await readdir(join(root, relative), {withFileTypes: true})
  } catch (error) {
    throw keyringError('BACKEND_UNAVAILABLE', `cannot list ${join(root, relative)}: ${(error as NodeJS.ErrnoException).code}`)
  }
  for (const entry of entries) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`
    if (entry.isDirectory()) {
      // pass's own git history never holds entries.
      if (entry.name !== '.git') await walk(root, path, keys)
    } else if (entry.name.endsWith(ENTRY_SUFFIX) && entry.name.length > ENTRY_SUFFIX.length && !entry.name.startsWith(TEMPORARY_PREFIX)) {
      keys.push(path.slice(0, -ENTRY_SUFFIX.length))
    }
  }
}

/**
 * True when a listed name may be a key whose slashes the path join collapsed: a URL's
 * `scheme://` leaves a folder ending in `:`. Only these are opened to read the key back.
 */
export function mayHaveCollapsedSlashes(listed: string): boolean {
  return listed.includes(':/')
}
