import {VaultCommand} from '../lib/base-command.ts'
import {formatColumns} from '../lib/output/columns.ts'

export interface BackendRow {
  id: string
  plugin: string
  priority: number
  available: boolean
  reason: string
  summary: string
}

export default class Backends extends VaultCommand<typeof Backends> {
  static override summary = 'List the secret backends that installed plugins provide, and whether each can be used here'
  static override enableJsonFlag = true

  protected async execute(): Promise<BackendRow[]> {
    const entries = await this.registry.backends()
    this.reportPluginWarnings()
    const ctx = this.backendContext()
    const rows: BackendRow[] = []
    for (const {descriptor, plugin} of entries) {
      let available = false
      let reason = ''
      try {
        const state = await descriptor.isAvailable(ctx)
        available = state.available
        reason = state.reason ?? ''
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error)
      }
      rows.push({available, id: descriptor.id, plugin: plugin.name, priority: descriptor.priority, reason, summary: descriptor.summary})
    }
    return rows.sort((a, b) => b.priority - a.priority)
  }

  protected override render(rows: BackendRow[]): void {
    this.log(
      formatColumns([
        ['ID', 'PLUGIN', 'AVAILABLE', 'SUMMARY'],
        ...rows.map((row) => [row.id, row.plugin, row.available ? 'yes' : `no (${row.reason || 'unavailable'})`, row.summary]),
      ]),
    )
  }
}
