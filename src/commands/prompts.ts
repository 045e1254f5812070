import {VaultCommand} from '../lib/base-command.ts'
import {formatColumns} from '../lib/output/columns.ts'

export interface PromptRow {
  id: string
  plugin: string
  summary: string
  needsTty: boolean
  available: boolean
  reason: string
  /** The driver vault would use here when neither --prompt nor AWS_VAULT_PROMPT names one. */
  automatic: boolean
}

export default class Prompts extends VaultCommand<typeof Prompts> {
  static override summary = 'List the MFA prompt drivers that installed plugins provide, and whether each can be used here'
  static override description =
    'Without --prompt or AWS_VAULT_PROMPT, vault asks on the terminal when there is one, otherwise with the first available driver that needs no terminal.'
  static override enableJsonFlag = true

  protected async execute(): Promise<PromptRow[]> {
    const {chooseDriver} = await import('../lib/prompt/select-driver.ts')
    const {usableHere} = await import('../lib/registry/usable-here.ts')
    const entries = await this.vault.registry.prompts()
    this.vault.reportPluginWarnings()
    const ctx = this.vault.promptContext()
    let automatic: string | undefined
    try {
      automatic = (await chooseDriver(entries, {}, ctx)).descriptor.id
    } catch {
      automatic = undefined
    }
    const rows: PromptRow[] = []
    for (const {descriptor, plugin} of entries) {
      const state = await usableHere(descriptor, ctx)
      rows.push({
        automatic: descriptor.id === automatic,
        available: state.available,
        id: descriptor.id,
        needsTty: descriptor.needsTty,
        plugin: plugin.name,
        reason: state.reason ?? '',
        summary: descriptor.summary,
      })
    }
    return rows
  }

  protected override render(rows: PromptRow[]): void {
    this.log(
      formatColumns([
        ['ID', 'PLUGIN', 'AVAILABLE', 'SUMMARY'],
        ...rows.map((row) => [
          row.automatic ? `${row.id} (default)` : row.id,
          row.plugin,
          row.available ? 'yes' : `no (${row.reason || 'unavailable'})`,
          row.summary,
        ]),
      ]),
    )
    if (!rows.some((row) => row.automatic)) {
      this.log('\nNo driver can ask for MFA codes here: use --mfa-token, mfa_process, or install one (vault plugins install prompt-gui).')
    }
  }
}
