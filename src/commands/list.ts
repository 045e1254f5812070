import * as Flags from '@oclif/core/flags'

import {VaultCommand} from '../lib/base-command.ts'
import {type ListResult, listLines, listMode, listVault} from '../lib/list/index.ts'

export type {ListedProfile, ListedSession, ListResult} from '../lib/list/index.ts'

export default class List extends VaultCommand<typeof List> {
  static override summary = 'List profiles, along with their credentials and sessions'
  static override aliases = ['ls']
  static override enableJsonFlag = true
  static override flags = {
    credentials: Flags.boolean({allowNo: true, default: false, description: 'Show only the profiles with stored credentials'}),
    profiles: Flags.boolean({allowNo: true, default: false, description: 'Show only the profile names'}),
    sessions: Flags.boolean({allowNo: true, default: false, description: 'Show only the session names'}),
  }

  protected async execute(): Promise<ListResult> {
    return listVault(this.vault, listMode(this.flags))
  }

  protected override render(result: ListResult): void {
    for (const line of listLines(result)) this.log(line)
  }
}
