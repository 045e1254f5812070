import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {VaultCommand} from '../lib/base-command.ts'
import {VaultError} from '../lib/errors.ts'
import {missingCredentials} from '../lib/providers/stored-credentials.ts'
import {CredentialStore} from '../lib/keyring/credential-store.ts'
import {SessionStore} from '../lib/keyring/session-store.ts'
import {promptLine} from '../lib/prompt/ask.ts'

export interface RemoveResult {
  profile: string
  removed: boolean
  sessionsRemoved: number
  /** --sessions-only: the credentials were left alone. */
  sessionsOnly: boolean
}

export default class Remove extends VaultCommand<typeof Remove> {
  static override summary = 'Remove the stored credentials of a profile, and its sessions'
  static override aliases = ['rm']
  static override enableJsonFlag = true
  static override args = {
    profile: Args.string({description: 'Name of the profile', required: true}),
  }

  static override flags = {
    'sessions-only': Flags.boolean({
      allowNo: true,
      char: 's',
      default: false,
      description: "Only remove the profile's sessions and leave its credentials (aws-vault's older form of `vault clear <profile>`)",
    }),
    force: Flags.boolean({allowNo: true, char: 'f', default: false, description: 'Remove without asking'}),
  }

  protected async execute(): Promise<RemoveResult> {
    const name = this.args.profile
    const sessions = new SessionStore(await this.vault.sessionKeyring())
    if (this.flags['sessions-only']) {
      // As aws-vault: no question asked, and a profile without sessions is not an error.
      const sessionsRemoved = await sessions.remove((session) => session.profileName === name)
      return {profile: name, removed: false, sessionsOnly: true, sessionsRemoved}
    }
    const credentials = new CredentialStore(await this.vault.keyring())
    if (!(await credentials.has(name))) throw await this.vault.namingTheStore(missingCredentials(name))
    if (!this.flags.force) {
      const answer = (await this.confirmation(`Delete credentials for profile "${name}"? (y|N) `)).trim()
      if (!/^y(es)?$/i.test(answer)) return {profile: name, removed: false, sessionsOnly: false, sessionsRemoved: 0}
    }
    await credentials.remove(name)
    const sessionsRemoved = await sessions.remove((session) => session.profileName === name)
    return {profile: name, removed: true, sessionsOnly: false, sessionsRemoved}
  }

  /** The question on the terminal; without one, the way to go without the question. */
  private async confirmation(question: string): Promise<string> {
    try {
      return await promptLine(question, 'a confirmation')
    } catch (error) {
      if (!(error instanceof VaultError) || error.code !== 'NO_TTY') throw error
      throw new VaultError('NO_TTY', `no terminal to confirm removing the credentials of profile "${this.args.profile}"`, {
        suggestions: [`remove them without asking with \`vault remove ${this.args.profile} --force\``],
      })
    }
  }

  protected override render(result: RemoveResult): void {
    if (result.sessionsOnly) {
      this.log(`Deleted ${result.sessionsRemoved} sessions.`)
      return
    }
    if (!result.removed) return
    this.log('Deleted credentials.')
    if (result.sessionsRemoved > 0) this.log(`Deleted ${result.sessionsRemoved} sessions.`)
  }
}
