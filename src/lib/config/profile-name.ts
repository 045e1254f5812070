import {VaultError} from '../errors.ts'
import {isMigrateProbeKey} from '../keyring/probe-key.ts'
import {quoted} from '../output/printable.ts'

// Control and format characters (line breaks, escapes, bidi overrides) would break the config
// file's line structure or redraw the terminal when the name is printed.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u

/**
 * Refuses a name that cannot be written as `[profile NAME]` and read back the same, before
 * anything is stored under it.
 */
export function checkProfileName(name: string): void {
  if (name === '' || name !== name.trim() || name.includes(']') || UNPRINTABLE.test(name)) {
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
