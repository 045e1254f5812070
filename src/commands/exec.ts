import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {credentialFlags, toVaultError, VaultCommand} from '../lib/base-command.ts'
import {VaultError} from '../lib/errors.ts'
import {childEnvironment, defaultShell, refuseNestedSession} from '../lib/exec/environment.ts'
import {exitLikeChild, runChild} from '../lib/exec/run-child.ts'
import {credentialProcessJson} from '../lib/output/credential-formats.ts'
import {serverFlagProblem} from '../lib/server/validate.ts'

export default class Exec extends VaultCommand<typeof Exec> {
  static override summary = 'Run a command with AWS credentials in its environment'
  static override description =
    'Without a command, starts $SHELL. Use `--` before a command that has flags of its own: vault exec work -- aws s3 ls --region eu-west-1'

  static override usage = '<%= command.id %> [FLAGS] PROFILE [--] [COMMAND [ARGS...]]'
  static override strict = false
  static override args = {
    profile: Args.string({description: 'Name of the profile (default: $AWS_PROFILE; on a terminal, chosen from a list)'}),
  }

  static override flags = {
    ...credentialFlags,
    json: Flags.boolean({
      char: 'j',
      default: false,
      description: 'Print credentials as credential_process JSON instead of running a command',
    }),
    'ecs-server': Flags.boolean({
      allowNo: true,
      aliases: ['server'],
      char: 's',
      default: false,
      description:
        'Serve credentials to the command from an ECS credential server on 127.0.0.1 (SDKs and the AWS CLI read AWS_CONTAINER_CREDENTIALS_FULL_URI); refreshed while the command runs. --server is an alias',
    }),
    'ec2-server': Flags.boolean({
      allowNo: true,
      default: false,
      description:
        'Serve credentials to the command from an EC2 instance metadata server (IMDSv1 and v2), announced in AWS_EC2_METADATA_SERVICE_ENDPOINT',
    }),
    'ec2-address': Flags.string({
      description: 'Loopback address and port of the EC2 metadata server (default 127.0.0.1:9099; port 0 picks a free one)',
    }),
    lazy: Flags.boolean({
      allowNo: true,
      default: false,
      description: 'With a server, fetch credentials at the first request instead of at start',
    }),
  }

  static override examples = [
    '<%= config.bin %> exec work -- aws sts get-caller-identity',
    '<%= config.bin %> exec work --no-session -- env',
    '<%= config.bin %> exec work --ecs-server -- terraform apply',
    '<%= config.bin %> exec work --ec2-server --ec2-address 127.0.0.1:9099 -- ./legacy-tool',
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
    try {
      await super.init()
    } catch (error) {
      throw separator === -1 ? withSeparatorHint(error, this.argv, Exec.flags) : error
    }
    if (separator === -1) this.commandLine = this.rest
  }

  protected async execute(): Promise<void> {
    const env = this.vault.env
    refuseNestedSession(env)
    const name = await this.profileOrAsk(this.args.profile)
    const serverMode = this.flags['ecs-server'] || this.flags['ec2-server']
    await this.checkServerFlags()
    if (serverMode) {
      const {runWithServer} = await import('../lib/exec/server-mode.ts')
      const outcome = await runWithServer({
        childCommand: () => this.childCommand(),
        credentialProvider: () => this.vault.profileCredentialProvider(name, this.flags, {serverMode: true}),
        ec2Server: this.flags['ec2-server'],
        env,
        lazy: this.flags.lazy,
        log: this.debugLog,
        name,
        ...(this.flags['ec2-address'] === undefined ? {} : {ec2Address: this.flags['ec2-address']}),
        ...(this.flags.debug ? {requestLog: this.debugLog} : {}),
      })
      exitLikeChild(outcome)
      return
    }
    const {credentials, profile} = await this.vault.profileCredentials(name, this.flags)
    if (this.flags.json) {
      process.stdout.write(`${credentialProcessJson(credentials)}\n`)
      return
    }
    const [command, args] = this.childCommand()
    this.debugLog(`running ${command} with the credentials of ${name}`)
    const outcome = await runChild(command, args, childEnvironment(env, name, profile.region, credentials))
    exitLikeChild(outcome)
  }

  /** The command to run, or the user's shell (with aws-vault's hint on a terminal). */
  private childCommand(): [string, string[]] {
    const [command, ...args] = this.commandLine
    if (command) return [command, args]
    const shell = defaultShell(this.vault.env)
    if (process.stderr.isTTY && this.vault.env.AWS_VAULT_DISABLE_HELP_MESSAGE !== '1') {
      process.stderr.write(`Starting subshell ${shell}, use \`exit\` to exit the subshell\n`)
    }
    return [shell, []]
  }

  /** aws-vault's refusals for the server modes, before any credentials are fetched. */
  private async checkServerFlags(): Promise<void> {
    const flags = this.flags
    if (!flags['ecs-server'] && !flags['ec2-server'] && flags['ec2-address'] === undefined) return
    const requested = flags.prompt?.trim()
    let terminalPrompt: string | undefined
    if (requested) {
      const {requestedDriver} = await import('../lib/prompt/select-driver.ts')
      if (requestedDriver(await this.vault.registry.prompts(), requested).descriptor.needsTty) terminalPrompt = requested
    }
    const problem = serverFlagProblem({
      ec2Address: flags['ec2-address'],
      ec2Server: flags['ec2-server'],
      ecsServer: flags['ecs-server'],
      json: flags.json,
      noSession: flags['no-session'],
      ...(terminalPrompt ? {terminalPrompt} : {}),
    })
    if (problem) throw new VaultError('USAGE', problem, {suggestions: ['see `vault exec --help`']})
  }
}

/**
 * `vault exec work sh -c '…'`: the child's own flags reach vault's parser. When the unknown flag
 * comes after the command to run, the fix is a `--` before that command: say so, with the line.
 */
function withSeparatorHint(error: unknown, argv: readonly string[], flags: Record<string, {type: string; char?: string}>): unknown {
  const message = error instanceof Error ? error.message : ''
  if (!/Nonexistent flags?:/.test(message)) return error
  const takesValue = new Set<string>()
  for (const [name, flag] of Object.entries({...VaultCommand.baseFlags, ...flags})) {
    if (flag.type !== 'option') continue
    takesValue.add(`--${name}`)
    if (flag.char) takesValue.add(`-${flag.char}`)
  }
  let positionals = 0
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index] as string
    if (token.startsWith('-')) {
      if (takesValue.has(token)) index++
      continue
    }
    positionals++
    if (positionals === 2) {
      const quoted = (words: readonly string[]) => words.map(shellQuote).join(' ')
      const line = `vault exec ${quoted(argv.slice(0, index))} -- ${quoted(argv.slice(index))}`
      const usage = toVaultError(error, 'exec')
      return new VaultError('USAGE', usage.message, {cause: error, suggestions: [`put \`--\` before the command to run: ${line}`]})
    }
  }
  return error
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}
