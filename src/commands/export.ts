import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {credentialFlags, VaultCommand} from '../lib/base-command.ts'
import {refuseNestedSession} from '../lib/exec/environment.ts'
import {exportFormats, formatCredentials} from '../lib/output/credential-formats.ts'

export default class Export extends VaultCommand<typeof Export> {
  static override summary = 'Print AWS credentials for a profile as environment variables, INI or credential_process JSON'
  static override args = {
    profile: Args.string({description: 'Name of the profile (default: $AWS_PROFILE; on a terminal, chosen from a list)'}),
  }

  static override flags = {
    ...credentialFlags,
    format: Flags.string({default: 'env', description: 'Output format', options: [...exportFormats]}),
  }

  static override examples = ['eval "$(<%= config.bin %> export work --format export-env)"', '<%= config.bin %> export work --format json']

  protected async execute(): Promise<void> {
    refuseNestedSession(this.vault.env)
    const name = await this.profileOrAsk(this.args.profile)
    const {credentials, profile} = await this.vault.profileCredentials(name, this.flags)
    const format = this.flags.format as (typeof exportFormats)[number]
    process.stdout.write(`${formatCredentials(format, name, credentials, profile.region)}\n`)
  }
}
