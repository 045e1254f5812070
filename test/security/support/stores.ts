// Reads stores without vault: the file store with jose and the passphrase, a pass store with
// pass itself. An item that does not decode to aws-vault's JSON is reported, never skipped.
import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {basename, join, relative} from 'node:path'
import {promisify} from 'node:util'

import {compactDecrypt} from 'jose'

const run = promisify(execFile)

/** What an item holds once decoded: the inner JSON aws-vault stores (credentials or a session). */
export interface StoredValue {
  AccessKeyID?: string
  AccessKeyId?: string
  SecretAccessKey?: string
  SessionToken?: string
  Expiration?: string
  [key: string]: unknown
}

export interface ReadOutcome {
  items: Map<string, StoredValue>
  /** Keys whose item is not aws-vault's JSON, with why. */
  corrupt: Map<string, string>
}

/** Item JSON → the value it carries, or why it is not one. */
export function decodeItemJson(text: string): StoredValue | string {
  let item: unknown
  try {
    item = JSON.parse(text)
  } catch {
    return 'the item is not JSON'
  }
  const data = (item as {Data?: unknown}).Data
  if (typeof data !== 'string') return 'the item has no Data'
  try {
    const value = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as unknown
    if (typeof value !== 'object' || value === null) return 'the Data is not an object'
    return value as StoredValue
  } catch {
    return 'the Data is not JSON'
  }
}

/** Every item file of a file store (temp files, which start with `.`, left out). */
export async function readFileStore(dir: string, passphrase: string): Promise<ReadOutcome> {
  const outcome: ReadOutcome = {corrupt: new Map(), items: new Map()}
  for (const name of readdirSync(dir)
    .filter((entry) => !entry.startsWith('.'))
    .sort()) {
    const key = decodeURIComponent(name)
    try {
      const token = readFileSync(join(dir, name), 'utf8').trim()
      const {plaintext} = await compactDecrypt(token, new TextEncoder().encode(passphrase), {
        keyManagementAlgorithms: ['PBES2-HS256+A128KW'],
      })
      const value = decodeItemJson(Buffer.from(plaintext).toString('utf8'))
      if (typeof value === 'string') outcome.corrupt.set(key, value)
      else outcome.items.set(key, value)
    } catch (error) {
      outcome.corrupt.set(key, (error as Error).message)
    }
  }
  return outcome
}

/** Every entry under `prefix` of a pass store (or only those of `only`), read with `pass show`. */
export async function readPassStore(env: Record<string, string>, storeDir: string, prefix: string, only?: string[]): Promise<ReadOutcome> {
  const outcome: ReadOutcome = {corrupt: new Map(), items: new Map()}
  // A name starting with a dot is an entry being written (or left by a killed writer), not an item.
  for (const file of listFiles(join(storeDir, prefix)).filter((path) => path.endsWith('.gpg') && !basename(path).startsWith('.'))) {
    const key = relative(join(storeDir, prefix), file).slice(0, -'.gpg'.length)
    if (only && !only.includes(key)) continue
    try {
      const {stdout} = await run('pass', ['show', '--', join(prefix, key)], {env, timeout: 30_000})
      const value = decodeItemJson(stdout)
      if (typeof value === 'string') outcome.corrupt.set(key, value)
      else outcome.items.set(key, value)
    } catch (error) {
      outcome.corrupt.set(key, ((error as {stderr?: string}).stderr || (error as Error).message).trim())
    }
  }
  return outcome
}

/** Path → sha256 of every file under `dir`: equal snapshots mean nothing was written. */
export function snapshot(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((path) => [relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex')]))
}

/**
 * Every regular file under `dir`, walked without recursion: a scan of TMPDIR meets whatever the tests
 * running beside this one left there (whole npm trees), too many entries for a call stack or an argument list.
 */
export function listFiles(dir: string): string[] {
  return walk(dir).files
}

/** Every directory under `dir`, `dir` included. */
export function listDirs(dir: string): string[] {
  return walk(dir).dirs
}

function walk(root: string): {files: string[]; dirs: string[]} {
  const files: string[] = []
  const dirs: string[] = []
  const pending = [root]
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let entries
    try {
      entries = readdirSync(dir, {withFileTypes: true})
    } catch {
      // Gone, or not ours to read: another test's files come and go while this walks.
      continue
    }
    dirs.push(dir)
    for (const entry of entries) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) pending.push(path)
      else if (entry.isFile()) files.push(path)
    }
  }
  return {dirs, files}
}

export function modeOf(path: string): number {
  return statSync(path).mode & 0o777
}
