import {Args, Flags} from '@oclif/core'

import {credentialFlags, VaultCommand} from '../lib/base-command.ts'
import {VaultError} from '../lib/errors.ts'
import {childEnvironment, defaultShell} from '../lib/exec/environment.ts'
import {exitLikeChild, runChild} from '../lib/exec/run-child.ts'
import {credentialProcessJson} from '../lib/output/credential-formats.ts'

export default class Exec extends VaultCommand<typeof Exec> {
  static override summary = 'Run a command with AWS credentials in its environment'
  static override description =
    'Without a command, starts $SHELL. Use `--` before a command that has flags of its own: vault exec work -- aws s3 ls --region eu-west-1'

  static override strict = false
  static override args = {
    profile: Args.string({description: 'Name of the profile', required: true}),
  }

  static override flags = {
    ...credentialFlags,
    json: Flags.boolean({char: 'j', default: false, description: 'Print credentials as credential_process JSON instead of running a command'}),
  }

  static override examples = [
    '<%= config.bin %> exec work -- aws sts get-caller-identity',
    '<%= config.bin %> exec work --no-session -- env',
    'credential_process = <%= config.bin %> exec work --json',
  ]

  private commandLine: string[] = []

  /** Everything after `--` belongs to the child, untouched: oclif's parser would reorder it. */
  override async init(): Promise<void> {
    const separator = this.argv.indexOf('--')
    if (separator !== -1) {
      this.commandLine = this.argv.slice(separator + 1)
      this.argv = this.argv.slice(0, separator)
    }
    await super.init()
    if (separator === -1) this.commandLine = this.rest
  }

  protected async execute(): Promise<void> {
    const env = this.vaultEnv
    if (env.AWS_VAULT) {
      throw new VaultError('NESTED_SESSION', `running in an existing vault subshell for "${env.AWS_VAULT}"`, {
        suggestions: ["'exit' from the subshell, or unset AWS_VAULT to force"],
      })
    }
    const name = this.args.profile
    const {credentials, profile} = await this.profileCredentials(name, this.flags)
    if (this.flags.json) {
      process.stdout.write(`${credentialProcessJson(credentials)}\n`)
      return
    }
    let [command, ...args] = this.commandLine
    if (!command) {
      command = defaultShell(env)
      args = []
      if (process.stderr.isTTY && env.AWS_VAULT_DISABLE_HELP_MESSAGE !== '1') {
        process.stderr.write(`Starting subshell ${command}, use \`exit\` to exit the subshell\n`)
      }
    }
    this.log_debug(`running ${command} with the credentials of ${name}`)
    const outcome = await runChild(command, args, childEnvironment(env, name, profile.region, credentials))
    exitLikeChild(outcome)
  }
}
