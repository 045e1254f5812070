import type {MigrateAction, MigrateOutcome} from './migrate.ts'
import {parseSessionKey} from '../keyring/session-key.ts'

export type MigrateSummary = Record<MigrateAction, number> & {sourceRemoved: number}

export function summarise(outcomes: readonly MigrateOutcome[]): MigrateSummary {
  const summary: MigrateSummary = {
    copied: 0,
    present: 0,
    overwritten: 0,
    conflict: 0,
    expired: 0,
    vanished: 0,
    'would-copy': 0,
    'would-overwrite': 0,
    sourceRemoved: 0,
  }
  for (const outcome of outcomes) {
    summary[outcome.action]++
    if (outcome.sourceRemoved) summary.sourceRemoved++
  }
  return summary
}

const actionWords: Record<MigrateAction, string> = {
  copied: 'copied',
  present: 'already there',
  overwritten: 'overwritten',
  conflict: 'CONFLICT, destination differs, left alone:',
  expired: 'expired, left behind:',
  vanished: 'gone from the source:',
  'would-copy': 'would copy',
  'would-overwrite': 'would overwrite',
}

/** One line per item: what it is and what happened, never its content. */
export function describeOutcome(outcome: MigrateOutcome, sourceName: string): string {
  let what: string
  if (outcome.kind === 'credentials') what = `credentials "${outcome.key}"`
  else if (outcome.kind === 'session') {
    const session = parseSessionKey(outcome.key)
    what = `${session?.type ?? 'session'} session of "${outcome.profile}" (expires ${session?.expiration.toISOString() ?? '?'})`
  } else what = `SSO token for ${outcome.key.slice('oidc:'.length)}`
  return `${actionWords[outcome.action]} ${what}${outcome.sourceRemoved ? `, removed from ${sourceName}` : ''}`
}
