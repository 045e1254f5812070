import {open, realpath, unlink} from 'node:fs/promises'

import type {Credentials} from '../plugin-api/index.ts'

import {writeFileAtomic} from '../config/atomic-write.ts'
import {checkProfileName} from '../config/profile-name.ts'
import {isNotRegularFile, readRegularFile} from '../config/regular-file.ts'
import {VaultError} from '../errors.ts'
import type {CredentialStore} from '../keyring/credential-store.ts'
import {readCredentialsFile, withoutKeys, type SkippedSection} from './credentials-file.ts'

/**
 * - `imported`: stored in the vault and read back equal
 * - `present`: the vault already held these very keys
 * - `overwritten`: the vault held other keys for the profile; --overwrite replaced them
 * - `conflict`: the vault holds other keys for the profile; both left as they are
 * - `would-import`, `would-overwrite`: what a dry run would do
 */
export type ImportAction = 'imported' | 'present' | 'overwritten' | 'conflict' | 'would-import' | 'would-overwrite'

export interface ImportOutcome {
  profile: string
  accessKeyId: string
  action: ImportAction
  /** The keys were taken out of the credentials file. */
  removedFromFile: boolean
}

export interface ImportOptions {
  /** The shared credentials file (followed when it is a symlink). */
  path: string
  store: CredentialStore
  /** Only these sections; every one with plaintext keys when empty. */
  profiles: readonly string[]
  dryRun: boolean
  /** Copy into the vault but leave the file as it is. */
  keep: boolean
  /** Keep the copy of the original file once the rewritten one is verified (it holds the plaintext keys). */
  keepBackup?: boolean
  overwrite: boolean
  now: Date
  /** Called for each profile whose keys in the vault changed (its cached sessions are stale). */
  onKeysChanged?(profile: string): Promise<void>
}

export interface ImportResult {
  file: string
  /** Where the file was copied before it was changed, when that copy was kept (--keep-backup). */
  backup?: string
  outcomes: ImportOutcome[]
  skipped: SkippedSection[]
  /** Profiles asked for with no plaintext keys in the file. */
  missing: string[]
}

const verified = new Set<ImportAction>(['imported', 'present', 'overwritten'])

/**
 * Moves plaintext access keys from the shared credentials file into the vault. Each pair is
 * stored and read back first; only then, and only if the file did not change meanwhile, are
 * its lines taken out of the file, after a 0600 copy of the whole file has been written next
 * to it. The rewritten file keeps its mode and owner. Interrupted at any point, a re-run
 * finishes the work: keys already in the vault are recognised.
 */
export async function importCredentials(options: ImportOptions): Promise<ImportResult> {
  const file = await realpath(options.path).catch(() => options.path)
  const original = await readText(file)
  const parsed = readCredentialsFile(original.text)
  const wanted = new Set(options.profiles)
  const asked = wanted.size === 0 ? parsed.keys : parsed.keys.filter((entry) => wanted.has(entry.profile))
  const missing = [...wanted].filter((name) => !parsed.keys.some((entry) => entry.profile === name))
  const skipped = wanted.size === 0 ? parsed.skipped : parsed.skipped.filter((entry) => wanted.has(entry.profile))
  // Keys stored under a name no config can hold would be stranded: they stay in the file.
  const candidates = asked.filter((entry) => {
    const usable = isUsableProfileName(entry.profile)
    if (!usable) skipped.push({profile: entry.profile, reason: 'cannot be a profile name'})
    return usable
  })

  const outcomes: ImportOutcome[] = []
  for (const entry of candidates) {
    const credentials: Credentials = {accessKeyId: entry.accessKeyId, secretAccessKey: entry.secretAccessKey}
    const existing = await options.store.get(entry.profile)
    let action: ImportAction
    if (existing === undefined) action = options.dryRun ? 'would-import' : 'imported'
    else if (sameKeys(existing, credentials)) action = 'present'
    else if (options.overwrite) action = options.dryRun ? 'would-overwrite' : 'overwritten'
    else action = 'conflict'

    if (action === 'imported' || action === 'overwritten') {
      await options.store.set(entry.profile, credentials)
      const back = await options.store.get(entry.profile)
      if (back === undefined || !sameKeys(back, credentials)) {
        throw new VaultError(
          'IMPORT_FAILED',
          `the keys of "${entry.profile}" do not read back from the vault as written; ${file} was left as it was`,
          {
            suggestions: ['check the backend with `vault backends`, then run the import again'],
          },
        )
      }
      await options.onKeysChanged?.(entry.profile)
    }
    outcomes.push({profile: entry.profile, accessKeyId: entry.accessKeyId, action, removedFromFile: false})
  }

  const done = new Set(outcomes.filter((outcome) => verified.has(outcome.action)).map((outcome) => outcome.profile))
  if (options.dryRun || options.keep || done.size === 0) return {file, outcomes, skipped, missing}

  const current = await readText(file)
  if (current.text !== original.text) {
    throw new VaultError(
      'IMPORT_FAILED',
      `${file} changed while the keys were being imported; it was left as it was (the keys are in the vault)`,
      {
        suggestions: ['run the import again: keys already in the vault are recognised'],
      },
    )
  }
  const backup = await writeBackup(file, original.text, options.now)
  const rewritten = withoutKeys(original.text, done)
  await writeFileAtomic(file, rewritten, {
    mode: original.mode,
    owner: original.uid !== process.getuid?.() ? {uid: original.uid, gid: original.gid} : undefined,
  })
  await verifyRewritten(file, rewritten, done, backup)
  for (const outcome of outcomes) outcome.removedFromFile = done.has(outcome.profile)
  // The backup holds the very plaintext keys the import took out: once the new file is known
  // good it has no use left, unless it was asked for.
  if (options.keepBackup) return {backup, file, outcomes, skipped, missing}
  await unlink(backup)
  return {file, outcomes, skipped, missing}
}

/** The rewritten file reads back as written, without the keys taken out; otherwise the backup stays and says where. */
async function verifyRewritten(file: string, expected: string, removed: ReadonlySet<string>, backup: string): Promise<void> {
  const back = await readText(file).catch(() => undefined)
  const keysLeft = back === undefined ? [] : readCredentialsFile(back.text).keys.filter((entry) => removed.has(entry.profile))
  if (back?.text !== expected || keysLeft.length > 0) {
    throw new VaultError('IMPORT_FAILED', `${file} does not read back as it was written; its previous content is in ${backup}`, {
      suggestions: [`compare the two files, keep the right one, then remove ${backup}`],
    })
  }
}

function sameKeys(a: Credentials, b: Credentials): boolean {
  return a.accessKeyId === b.accessKeyId && a.secretAccessKey === b.secretAccessKey
}

interface FileText {
  text: string
  mode: number
  uid: number
  gid: number
}

async function readText(path: string): Promise<FileText> {
  try {
    const {text, stats} = await readRegularFile(path)
    return {text, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid}
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (isNotRegularFile(error)) {
      throw new VaultError('IMPORT_FAILED', `${path} is not a regular file (it is ${error.kind})`, {
        suggestions: ['name the shared credentials file with --file or AWS_SHARED_CREDENTIALS_FILE'],
      })
    }
    if (code === 'ENOENT') {
      throw new VaultError('CREDENTIALS_NOT_FOUND', `no shared credentials file at ${path}`, {
        suggestions: ['name the file with --file or AWS_SHARED_CREDENTIALS_FILE'],
      })
    }
    throw new VaultError('IMPORT_FAILED', `cannot read ${path} (${code ?? String(error)})`, {cause: error})
  }
}

/** `<file>.vault-backup-<UTC time>`, never replacing an older backup; 0600 whatever the umask, on disk before it returns. */
export async function writeBackup(file: string, text: string, now: Date): Promise<string> {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')
  for (let attempt = 0; ; attempt++) {
    const path = `${file}.vault-backup-${stamp}${attempt === 0 ? '' : `-${attempt}`}`
    let handle
    try {
      handle = await open(path, 'wx', 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 100) continue
      throw new VaultError(
        'IMPORT_FAILED',
        `cannot write the backup ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); the file was left as it was`,
        {cause: error},
      )
    }
    try {
      await handle.chmod(0o600)
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    return path
  }
}

function isUsableProfileName(name: string): boolean {
  try {
    checkProfileName(name)
    return true
  } catch {
    return false
  }
}
