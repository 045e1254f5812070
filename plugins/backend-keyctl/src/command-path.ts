import {constants} from 'node:fs'
import {access, stat} from 'node:fs/promises'
import {delimiter, isAbsolute, join, resolve} from 'node:path'

/**
 * Where `command` runs from: a name with a slash is taken as a path, a bare name is looked
 * up on `pathVariable` (empty entries skipped, so nothing runs from the current directory
 * by accident). Undefined when no executable file is there.
 */
export async function findCommand(command: string, pathVariable: string | undefined): Promise<string | undefined> {
  if (command === '') return undefined
  if (command.includes('/')) return (await isExecutableFile(command)) ? resolve(command) : undefined
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue
    const candidate = join(dir, command)
    if (await isExecutableFile(candidate)) return candidate
  }
  return undefined
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK)
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
