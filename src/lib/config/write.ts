import {mkdir, realpath} from 'node:fs/promises'
import {dirname} from 'node:path'

import {VaultError} from '../errors.ts'
import {withLock} from '../lock/index.ts'
import {writeFileAtomic} from './atomic-write.ts'
import {parseConfig} from './file.ts'
import {checkProfileName} from './profile-name.ts'
import {isNotRegularFile, readRegularFile} from './regular-file.ts'
import {profileHeader} from './section.ts'

/**
 * Appends `[profile NAME]` (or `[default]`) with `keys` to the config file unless the file
 * already has that section, as `vault add --add-config` does (aws-vault writes an empty section).
 * Everything already in the file stays byte for byte, and so does its mode; a new file is
 * created 0600 in a 0700 directory. Returns whether the section was added.
 */
export async function addProfile(path: string, name: string, keys: Readonly<Record<string, string>> = {}): Promise<boolean> {
  checkProfileName(name)
  const lines = Object.entries(keys).map(([key, value]) => settingLine(key, value))

  // Write through a symlink (dotfile managers link ~/.aws/config) rather than replacing it.
  const target = await realpath(path).catch(() => path)
  // Concurrent vault processes each read, append and rename: without the lock, the last rename
  // would drop the sections the others added. Read again under it, then replace atomically.
  return withLock(`the AWS config file ${target}`, () => appendSection(path, target, name, lines), {timeoutMs: CONFIG_LOCK_TIMEOUT_MS})
}

const CONFIG_LOCK_TIMEOUT_MS = 60_000

async function appendSection(path: string, target: string, name: string, lines: string[]): Promise<boolean> {
  const existing = await readExisting(target)
  if (existing !== undefined && parseConfig(existing.text, path).hasProfile(name)) return false

  const text = existing?.text ?? ''
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  let separator = ''
  if (text !== '' && !text.endsWith('\n')) separator += eol
  if (text.trim() !== '' && !`${text}${separator}`.endsWith(`${eol}${eol}`)) separator += eol
  const section = [`[${profileHeader(name)}]`, ...lines].map((line) => line + eol).join('')

  if (existing === undefined) await mkdir(dirname(target), {mode: 0o700, recursive: true})
  await writeFileAtomic(target, text + separator + section, {
    mode: existing?.mode ?? 0o600,
    owner: existing && existing.uid !== process.getuid?.() ? {gid: existing.gid, uid: existing.uid} : undefined,
  })
  return true
}

interface ExistingFile {
  text: string
  mode: number
  uid: number
  gid: number
}

async function readExisting(path: string): Promise<ExistingFile | undefined> {
  try {
    const {text, stats} = await readRegularFile(path)
    return {gid: stats.gid, mode: stats.mode & 0o7777, text, uid: stats.uid}
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    if (isNotRegularFile(error)) {
      throw new VaultError('CONFIG_INVALID', `the AWS config file ${path} is not a regular file (it is ${error.kind})`, {
        suggestions: ['point AWS_CONFIG_FILE at a regular file'],
      })
    }
    throw new VaultError(
      'CONFIG_INVALID',
      `cannot read the AWS config file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      {cause: error},
    )
  }
}

// Values are written as they will be read back by go-ini and the AWS CLI alike: anything
// that one of them would read differently (comments, quotes, continuations) is refused.
function settingLine(key: string, value: string): string {
  if (!/^[a-z0-9_]+$/i.test(key)) throw new VaultError('USAGE', `"${key}" cannot be a key in the AWS config file`)
  const unsafe = value === '' || value !== value.trim() || /[\r\n#;\0]/.test(value) || /^["'`]/.test(value) || value.endsWith('\\')
  if (unsafe) {
    throw new VaultError('USAGE', `the value of ${key} cannot be written to the AWS config file as it is`, {
      suggestions: ['use a value without line breaks, NUL bytes, # or ;, surrounding quotes or spaces, or a trailing backslash'],
    })
  }
  return `${key.toLowerCase()} = ${value}`
}
