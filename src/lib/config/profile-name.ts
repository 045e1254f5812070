import {VaultError} from '../errors.ts'
import {isMigrateProbeKey} from '../keyring/probe-key.ts'
import {hasUnprintable, quoted} from '../printable.ts'

/**
 * Refuses a name that cannot be written as `[profile NAME]` and read back the same, before
 * anything is stored under it.
 */
export function checkProfileName(name: string): void {
  if (name === '' || name !== name.trim() || name.includes(']') || hasUnprintable(name)) {
    throw new VaultError('USAGE', `${quoted(name)} cannot be a profile name`, {
      suggestions: ['use a name without "]", control characters or surrounding spaces'],
    })
  }
  if (isMigrateProbeKey(name)) {
    throw new VaultError('USAGE', `"${name}" cannot be a profile name: vault migrate uses names of this shape for itself`, {
      suggestions: ['choose another name'],
    })
  }
}
