import type {VaultHookEvent} from '../plugin-api/index.ts'
import type {HookAnswers} from './run-hook.ts'
import type {DescriptorOf, PluginRef, Registered} from './types.ts'
import {describe, schemas, validateDescriptor} from './validate.ts'

export interface Registration<E extends VaultHookEvent> {
  entries: Array<Registered<DescriptorOf<E>>>
  warnings: string[]
  notices: string[]
}

/** Events whose descriptors are tried in priority order (highest first). */
const PRIORITISED: ReadonlySet<VaultHookEvent> = new Set(['vault:backends', 'vault:sources'])

/** Plugins the user installed or linked: they may replace a bundled descriptor of the same id. */
export function isUserInstalled(plugin: PluginRef): boolean {
  return plugin.type === 'user' || plugin.type === 'link'
}

/**
 * Turns one event's raw hook answers into the registered descriptors: failures and
 * malformed answers become warnings naming the plugin; the well-formed descriptors of a
 * partly broken plugin are kept.
 */
export function register<E extends VaultHookEvent>(event: E, answers: HookAnswers, timeoutMs: number): Registration<E> {
  const {label} = schemas[event]
  const warnings: string[] = []
  const notices: string[] = []

  for (const {plugin, error} of answers.failures) {
    warnings.push(`Plugin ${plugin.name}: ${failureReason(event, error, timeoutMs)}`)
  }

  const candidates: Array<Registered<DescriptorOf<E>>> = []
  for (const {plugin, result} of answers.successes) {
    if (!Array.isArray(result)) {
      warnings.push(`Plugin ${plugin.name}: the ${event} hook returned ${describe(result)} instead of an array`)
      continue
    }
    for (const [index, value] of result.entries()) {
      const validation = validateDescriptor(event, value)
      if (validation.ok) {
        candidates.push({descriptor: validation.descriptor, plugin: {name: plugin.name, type: plugin.type}})
      } else {
        warnings.push(`Plugin ${plugin.name}: ${label} ${nameOf(value, index)} ignored: ${validation.problems.join('; ')}`)
      }
    }
  }

  const chosen = new Map<string, Registered<DescriptorOf<E>>>()
  for (const candidate of candidates) {
    const {id} = candidate.descriptor
    const held = chosen.get(id)
    if (held === undefined) {
      chosen.set(id, candidate)
    } else if (isUserInstalled(candidate.plugin) && !isUserInstalled(held.plugin)) {
      chosen.set(id, candidate)
      notices.push(overrideNotice(label, id, candidate.plugin, held.plugin))
    } else if (isUserInstalled(held.plugin) && !isUserInstalled(candidate.plugin)) {
      notices.push(overrideNotice(label, id, held.plugin, candidate.plugin))
    } else {
      const where = held.plugin.name === candidate.plugin.name ? 'it is listed twice' : `plugin ${held.plugin.name} already provides it`
      warnings.push(`Plugin ${candidate.plugin.name}: ${label} "${id}" ignored: ${where}`)
    }
  }

  const entries = [...chosen.values()]
  // Array#sort is stable: equal priorities keep discovery order.
  if (PRIORITISED.has(event)) entries.sort((a, b) => priorityOf(b.descriptor) - priorityOf(a.descriptor))
  return {entries, warnings, notices}
}

function priorityOf(descriptor: object): number {
  return 'priority' in descriptor && typeof descriptor.priority === 'number' ? descriptor.priority : 0
}

function nameOf(value: unknown, index: number): string {
  const id = typeof value === 'object' && value !== null ? (value as {id?: unknown}).id : undefined
  return typeof id === 'string' && id !== '' ? `${describe(id)} (at index ${index})` : `at index ${index}`
}

function overrideNotice(label: string, id: string, winner: PluginRef, bundled: PluginRef): string {
  return `${capitalise(label)} "${id}" from ${winner.type} plugin ${winner.name} replaces the one bundled in ${bundled.name}`
}

const TIMEOUT_MESSAGE = /^Timed out after \d+ ms\.?$/
const MAX_MESSAGE = 200

function failureReason(event: VaultHookEvent, error: unknown, timeoutMs: number): string {
  const message = error instanceof Error ? error.message : String(error)
  if (TIMEOUT_MESSAGE.test(message)) return `the ${event} hook did not answer within ${timeoutMs} ms`
  const firstLine = message.split('\n', 1)[0]?.trim() ?? ''
  const shown = firstLine.length > MAX_MESSAGE ? `${firstLine.slice(0, MAX_MESSAGE)}…` : firstLine
  return `the ${event} hook failed: ${shown === '' ? 'no error message' : shown}`
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
