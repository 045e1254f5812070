import type {VaultHookEvent} from '../plugin-api/index.ts'
import type {DescriptorOf} from './types.ts'

/** Returns what is wrong with a field's value, or undefined when it is fine. */
type Check = (value: unknown) => string | undefined

const ID_PATTERN = /^[a-z0-9-]+$/

const id: Check = (value) =>
  typeof value === 'string' && ID_PATTERN.test(value) ? undefined : `must be a non-empty string of a-z, 0-9 and "-", got ${describe(value)}`

const text: Check = (value) => (typeof value === 'string' ? undefined : `must be a string, got ${describe(value)}`)

const finiteNumber: Check = (value) =>
  typeof value === 'number' && Number.isFinite(value) ? undefined : `must be a finite number, got ${describe(value)}`

const boolean: Check = (value) => (typeof value === 'boolean' ? undefined : `must be a boolean, got ${describe(value)}`)

const fn: Check = (value) => (typeof value === 'function' ? undefined : `must be a function, got ${describe(value)}`)

const unlocking: Check = (value) => {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null) return `must be an object when present, got ${describe(value)}`
  const record = value as Record<string, unknown>
  const missing = ['unlock', 'lock', 'state'].filter((name) => typeof record[name] !== 'function')
  return missing.length === 0 ? undefined : `must have the functions unlock, lock and state (missing ${missing.join(', ')})`
}

interface Schema {
  /** How a warning names one descriptor of this event. */
  label: string
  fields: Record<string, Check>
}

/** The run-time shape of each event's descriptors; extra properties are allowed. */
export const schemas: Record<VaultHookEvent, Schema> = {
  'vault:backends': {
    label: 'backend',
    fields: {id, summary: text, priority: finiteNumber, isAvailable: fn, open: fn, unlocking},
  },
  'vault:prompts': {
    label: 'prompt driver',
    fields: {id, summary: text, needsTty: boolean, isAvailable: fn, create: fn},
  },
  'vault:sources': {
    label: 'credential source',
    fields: {id, priority: finiteNumber, matches: fn, create: fn},
  },
}

export type Validation<E extends VaultHookEvent> = {ok: true; descriptor: DescriptorOf<E>} | {ok: false; problems: string[]}

/** Checks one untrusted descriptor against its event's schema, reporting every problem at once. */
export function validateDescriptor<E extends VaultHookEvent>(event: E, value: unknown): Validation<E> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {ok: false, problems: [`expected an object, got ${describe(value)}`]}
  }
  const record = value as Record<string, unknown>
  const problems: string[] = []
  for (const [field, check] of Object.entries(schemas[event].fields)) {
    const problem = check(record[field])
    if (problem !== undefined) problems.push(`${field} ${problem}`)
  }
  return problems.length === 0 ? {ok: true, descriptor: value as DescriptorOf<E>} : {ok: false, problems}
}

const MAX_SHOWN = 40

/** A short, safe rendering of an untrusted value for a warning. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value
      return JSON.stringify(shown)
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value)
    case 'undefined':
      return 'undefined'
    case 'object':
      return 'an object'
    case 'function':
      return 'a function'
    default:
      return `a ${typeof value}`
  }
}
