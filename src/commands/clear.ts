import * as Args from '@oclif/core/args'

import {VaultCommand} from '../lib/base-command.ts'
import {resolveProfile} from '../lib/config/index.ts'
import {clearSessions} from '../lib/providers/clear-sessions.ts'

export interface ClearResult {
  profile: string | null
  cleared: number
}

export default class Clear extends VaultCommand<typeof Clear> {
  static override summary = 'Remove temporary credentials (sessions and SSO tokens) from the secure store'
  static override description =
    "With a profile, removes that profile's sessions and the SSO token of its start URL; without, every session and SSO token. Stored long-term keys stay."

  static override enableJsonFlag = true
  static override args = {
    profile: Args.string({description: 'Name of the profile'}),
  }

  static override examples = ['<%= config.bin %> clear', '<%= config.bin %> clear work']

  protected async execute(): Promise<ClearResult> {
    const name = this.args.profile
    const keyring = await this.vault.sessionKeyring()
    if (name === undefined) return {cleared: await clearSessions(keyring), profile: null}
    const profile = resolveProfile(await this.vault.awsConfig(), name, {env: this.vault.env, requireSection: false})
    const cleared = await clearSessions(keyring, {profileName: name, ...(profile.ssoStartUrl ? {ssoStartUrl: profile.ssoStartUrl} : {})})
    return {cleared, profile: name}
  }

  protected override render(result: ClearResult): void {
    this.log(`Cleared ${result.cleared} sessions.`)
  }
}
