import {VaultError} from '../errors.ts'

/**
 * Refuses a profile that is neither a section of the config nor a name with stored keys: such a
 * name is a typo, and resolving it anyway would silently take `[default]`'s settings (its role
 * included) and reach AWS with them. A profile with stored keys and no section keeps working,
 * as in aws-vault.
 */
export function checkKnownProfile(
  name: string,
  configProfiles: readonly string[],
  storedProfiles: readonly string[],
  configPath: string,
): void {
  if (configProfiles.includes(name) || storedProfiles.includes(name)) return
  const closest = closestName(name, [...new Set([...configProfiles, ...storedProfiles])])
  const suggestions = closest === undefined ? [] : [`did you mean "${closest}"?`]
  suggestions.push('run `vault list` to see the profiles and the stored keys', `add keys for a new profile with \`vault add ${name}\``)
  throw new VaultError('PROFILE_NOT_FOUND', `profile "${name}" is not in ${configPath} and has no stored keys`, {suggestions})
}

/** The candidate nearest to `name` by edit distance, when near enough to be the same word mistyped. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  const allowed = Math.max(2, Math.floor(name.length / 3))
  return bestDistance <= allowed ? best : undefined
}

/** Levenshtein distance, with a swap of two neighbouring letters counting as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({length: rows}, (_, i) => Array.from({length: cols}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1)
      d[i]![j] = value
    }
  }
  return d[a.length]![b.length]!
}
