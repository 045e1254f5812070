import {VaultCommand} from '../lib/base-command.ts'
import {formatColumns} from '../lib/output/columns.ts'
import {usableHere} from '../lib/registry/usable-here.ts'
import {describeUntil} from '../lib/unlock/unlockable-backend.ts'

export interface BackendRow {
  id: string
  plugin: string
  priority: number
  available: boolean
  reason: string
  summary: string
  /** For a backend `vault unlock` can unlock: whether it is, and until when (ISO 8601); otherwise absent. */
  unlocked?: boolean
  unlockedUntil?: string
  /** When this backend is also the session store (--session-backend) and that is another store: its state. */
  sessions?: {store: string; unlocked: boolean; unlockedUntil?: string}
}

export default class Backends extends VaultCommand<typeof Backends> {
  static override summary = 'List the secret backends that installed plugins provide, and whether each can be used here'
  static override enableJsonFlag = true

  protected async execute(): Promise<BackendRow[]> {
    const choices = await this.vault.backendChoices()
    const ctx = this.vault.backendContext()
    const rows: BackendRow[] = []
    for (const {descriptor, pluginName} of choices) {
      const {available, reason = ''} = await usableHere(descriptor, ctx)
      const row: BackendRow = {
        available,
        id: descriptor.id,
        plugin: pluginName,
        priority: descriptor.priority,
        reason,
        summary: descriptor.summary,
      }
      if (available && descriptor.unlocking) {
        const state = await descriptor.unlocking.state(ctx).catch(() => undefined)
        if (state) {
          row.unlocked = state.unlocked
          if (state.until) row.unlockedUntil = state.until.toISOString()
        }
        if (descriptor.id === this.vault.sessionBackendId) {
          const sessions = await descriptor.unlocking.state(this.vault.sessionBackendContext()).catch(() => undefined)
          if (sessions && sessions.store !== state?.store) {
            row.sessions = {
              store: sessions.store,
              unlocked: sessions.unlocked,
              ...(sessions.until ? {unlockedUntil: sessions.until.toISOString()} : {}),
            }
          }
        }
      }
      rows.push(row)
    }
    return rows.sort((a, b) => b.priority - a.priority)
  }

  protected override render(rows: BackendRow[]): void {
    this.log(
      formatColumns([
        ['ID', 'PLUGIN', 'AVAILABLE', 'SUMMARY'],
        ...rows.map((row) => [row.id, row.plugin, availableText(row), row.summary]),
      ]),
    )
  }
}

function availableText(row: BackendRow): string {
  if (!row.available) return `no (${row.reason || 'unavailable'})`
  if (row.unlocked === undefined) return 'yes'
  const sessions = row.sessions ? `; sessions ${lockText(row.sessions)}` : ''
  return `yes, ${lockText(row)}${sessions}`
}

function lockText(state: {unlocked?: boolean; unlockedUntil?: string}): string {
  return state.unlocked && state.unlockedUntil ? `unlocked ${describeUntil(new Date(state.unlockedUntil))}` : 'locked'
}
