import {accessSync, constants, statSync} from 'node:fs'
import {delimiter, isAbsolute, join, resolve} from 'node:path'

/**
 * Where `command` runs from: a name with a slash is taken as a path, a bare name is looked up
 * on `pathVariable` as a shell would, except that empty or relative entries are skipped so
 * nothing runs from the current directory by accident. Undefined when no executable file is there.
 */
export function findExecutable(command: string, pathVariable: string | undefined): string | undefined {
  if (command === '') return undefined
  if (command.includes('/')) return isExecutableFile(command) ? resolve(command) : undefined
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue
    const candidate = join(dir, command)
    if (isExecutableFile(candidate)) return candidate
  }
  return undefined
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}
