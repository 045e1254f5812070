import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {VaultCommand} from '../lib/base-command.ts'
import {missingCredentials} from '../lib/providers/stored-credentials.ts'
import {CredentialStore} from '../lib/keyring/credential-store.ts'
import {SessionStore} from '../lib/keyring/session-store.ts'
import {promptLine} from '../lib/terminal/prompts.ts'

export interface RemoveResult {
  profile: string
  removed: boolean
  sessionsRemoved: number
}

export default class Remove extends VaultCommand<typeof Remove> {
  static override summary = 'Remove the stored credentials of a profile, and its sessions'
  static override aliases = ['rm']
  static override enableJsonFlag = true
  static override args = {
    profile: Args.string({description: 'Name of the profile', required: true}),
  }

  static override flags = {
    force: Flags.boolean({allowNo: true, char: 'f', default: false, description: 'Remove without asking'}),
  }

  protected async execute(): Promise<RemoveResult> {
    const name = this.args.profile
    const keyring = await this.keyring()
    const credentials = new CredentialStore(keyring)
    if (!(await credentials.has(name))) throw missingCredentials(name)
    if (!this.flags.force) {
      const answer = (await promptLine(`Delete credentials for profile "${name}"? (y|N) `, 'a confirmation')).trim()
      if (!/^y(es)?$/i.test(answer)) return {profile: name, removed: false, sessionsRemoved: 0}
    }
    await credentials.remove(name)
    const sessionsRemoved = await new SessionStore(keyring).remove((session) => session.profileName === name)
    return {profile: name, removed: true, sessionsRemoved}
  }

  protected override render(result: RemoveResult): void {
    if (!result.removed) return
    this.log('Deleted credentials.')
    if (result.sessionsRemoved > 0) this.log(`Deleted ${result.sessionsRemoved} sessions.`)
  }
}
