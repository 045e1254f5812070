// oclif's entry points, not its index, which loads (and runs) more than a command needs: commands do the same.
import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type * as Interfaces from '@oclif/core/interfaces'

import {HELP_VALUES} from './completion/model.ts'
import {errorCode, ErrorCodes, type ErrorCode, VaultError} from './errors.ts'
import {createDebugLogger, type Logger} from './log.ts'
import {safeToPrint} from './output/redact.ts'
import {commandStarted} from './process-guards.ts'
import {globalFlagVariables, VaultContext, type GlobalFlagValues} from './vault-context.ts'

export type VaultFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof VaultCommand)['baseFlags'] & T['flags']>
export type VaultArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** The flags of every command that hands out credentials (exec, export), as aws-vault names them. */
export const credentialFlags = {
  duration: Flags.string({char: 'd', description: 'Duration of the temporary or assume-role session, e.g. 1h, 90m (default 1h)'}),
  'mfa-token': Flags.string({char: 't', description: 'The MFA code to use'}),
  'no-session': Flags.boolean({allowNo: true, char: 'n', default: false, description: 'Skip creating an STS session with GetSessionToken'}),
  region: Flags.string({description: 'The AWS region'}),
  stdout: Flags.boolean({
    allowNo: true,
    default: false,
    description: 'Print the SSO sign-in URL (always printed) without opening a browser',
    env: 'AWS_VAULT_STDOUT',
  }),
}

/**
 * The one base command: global flags, lazy access to plugins, backend and environment,
 * the JSON envelope, and the single place where errors become one line and an exit code.
 */
export abstract class VaultCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    backend: Flags.string({
      description: 'Secret backend to use (see `vault backends`)',
      env: globalFlagVariables.backend,
      helpValue: HELP_VALUES.backend,
      helpGroup: 'GLOBAL',
    }),
    debug: Flags.boolean({allowNo: true, description: 'Show debugging output (never secrets)', helpGroup: 'GLOBAL'}),
    'file-dir': Flags.string({
      description: 'Directory for the "file" backend',
      env: globalFlagVariables['file-dir'],
      helpValue: HELP_VALUES.directory,
      helpGroup: 'BACKEND',
    }),
    keychain: Flags.string({description: 'Name of the macOS keychain', env: globalFlagVariables.keychain, helpGroup: 'BACKEND'}),
    'pass-cmd': Flags.string({description: 'Name of the pass executable', env: globalFlagVariables['pass-cmd'], helpGroup: 'BACKEND'}),
    'pass-dir': Flags.string({
      description: 'pass password store directory',
      env: globalFlagVariables['pass-dir'],
      helpValue: HELP_VALUES.directory,
      helpGroup: 'BACKEND',
    }),
    'pass-prefix': Flags.string({
      description: 'Prefix for the pass entries',
      env: globalFlagVariables['pass-prefix'],
      helpGroup: 'BACKEND',
    }),
    prompt: Flags.string({
      description: 'MFA prompt driver (see `vault prompts`)',
      env: globalFlagVariables.prompt,
      helpGroup: 'GLOBAL',
      helpValue: HELP_VALUES.prompt,
    }),
    'session-backend': Flags.string({
      description: 'Backend for sessions and SSO tokens, with its settings as AWS_VAULT_SESSION_* (default: with the keys)',
      env: globalFlagVariables['session-backend'],
      helpValue: HELP_VALUES.backend,
      helpGroup: 'GLOBAL',
    }),
    'secret-service-collection': Flags.string({
      description: 'Secret Service collection name',
      env: globalFlagVariables['secret-service-collection'],
      helpGroup: 'BACKEND',
    }),
  }

  protected flags!: VaultFlags<T>
  protected args!: VaultArgs<T>
  /** Arguments after the declared ones (the command `vault exec` runs). */
  protected rest!: string[]
  protected debugLog: Logger = () => {}
  /**
   * Everything but oclif, built once the flags are parsed: the environment as the setting flags
   * shape it, the plugin registry, the backends, ~/.aws/config and the credential chain.
   */
  protected vault!: VaultContext
  private readonly collectedWarnings: string[] = []
  /** Tells the process guards the command is over; set when it starts. */
  private finish: () => void = () => {}

  /** The command's work; returns the typed result that `render` prints or `--json` wraps. */
  protected abstract execute(): Promise<unknown>

  /** Human output for the result; commands without data print nothing. */
  protected render(_result: unknown): void {}

  async run(): Promise<unknown> {
    try {
      const result = await this.execute()
      if (!this.jsonEnabled()) this.render(result)
      return result
    } finally {
      this.finish()
    }
  }

  /**
   * The profile argument, or when it is missing: $AWS_PROFILE, else a searchable list on a
   * terminal, else a one-line usage error.
   */
  protected async profileOrAsk(given: string | undefined): Promise<string> {
    const {profileArgument} = await import('./prompt/profile-argument.ts')
    const {promptSearch} = await import('./prompt/ask.ts')
    return profileArgument(given, {
      choose: (message, choices) => promptSearch(message, choices, 'a profile'),
      command: `vault ${this.id?.replaceAll(':', ' ') ?? ''}`.trimEnd(),
      env: this.vault.env,
      interactive: Boolean(process.stdin.isTTY) && !this.jsonEnabledSafe(),
      profileNames: async () => (await this.vault.awsConfig()).profileNames(),
    })
  }

  override async init(): Promise<void> {
    this.finish = commandStarted()
    await super.init()
    const {args, argv, flags} = await this.parse({
      args: this.ctor.args,
      baseFlags: (this.ctor as unknown as typeof VaultCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    })
    this.flags = flags as VaultFlags<T>
    this.args = args as VaultArgs<T>
    this.rest = (argv as string[]).slice(Object.keys(this.ctor.args ?? {}).length)
    this.debugLog = createDebugLogger(Boolean((flags as {debug?: boolean}).debug))
    this.vault = new VaultContext({
      debug: this.debugLog,
      flags: flags as GlobalFlagValues,
      hooks: this.config,
      warn: (message) => this.addWarning(message),
    })
  }

  protected addWarning(warning: string): void {
    const message = safeToPrint(warning)
    if (this.collectedWarnings.includes(message)) return
    this.collectedWarnings.push(message)
    if (!this.jsonEnabled()) process.stderr.write(`vault: warning: ${message}\n`)
  }

  protected override toSuccessJson(result: unknown): unknown {
    return {result, status: 0, warnings: this.collectedWarnings}
  }

  protected override toErrorJson(error: unknown): unknown {
    const vaultError = toVaultError(error, this.id)
    return {
      code: vaultError.code,
      message: safeToPrint(vaultError.message),
      status: vaultError.exitCode,
      suggestions: vaultError.suggestions.map((suggestion) => safeToPrint(suggestion)),
    }
  }

  protected override async catch(error: Interfaces.CommandError): Promise<void> {
    this.finish()
    if ((error as {code?: unknown}).code === 'EEXIT') {
      process.exitCode = error.oclif?.exit ?? 0
      return
    }
    if (this.jsonEnabledSafe()) {
      const vaultError = toVaultError(error, this.id)
      process.exitCode = vaultError.exitCode
      this.logJson(this.toErrorJson(vaultError))
      return
    }
    reportError(error, this.id)
  }

  /** jsonEnabled() reads parsed flags; a parse failure happens before they exist. */
  protected jsonEnabledSafe(): boolean {
    try {
      return this.jsonEnabled()
    } catch {
      return false
    }
  }
}

/**
 * A failure as every command shows it: one line (plus "Try this:" suggestions) on stderr, the stack
 * only with --debug, and its exit code. For the few commands that are not VaultCommands too.
 */
export function reportError(error: unknown, commandId?: string): void {
  const vaultError = toVaultError(error, commandId)
  process.exitCode = vaultError.exitCode
  const lines = [`vault: ${vaultError.message}`]
  for (const suggestion of vaultError.suggestions) lines.push(`Try this: ${suggestion}`)
  if (process.argv.includes('--debug')) {
    const detail = vaultError.cause instanceof Error ? vaultError.cause : vaultError
    lines.push(detail.stack ?? '')
  }
  // A plugin's error message may quote what it was handling, and a hostile server or config megabytes.
  process.stderr.write(`${safeToPrint(lines.join('\n'))}\n`)
}

const pluginErrorCodes = new Set<string>(['BACKEND_LOCKED', 'BAD_PASSPHRASE', 'BACKEND_UNAVAILABLE', 'BACKEND_CORRUPT'])

/** Every failure becomes a VaultError: ours as they are, plugins' by their code, oclif's usage errors, the rest internal. */
export function toVaultError(error: unknown, commandId?: string): VaultError {
  if (error instanceof VaultError) return error
  const code = errorCode(error)
  const message = error instanceof Error ? error.message : String(error)
  if (code && pluginErrorCodes.has(code)) return new VaultError(code as ErrorCode, message, {cause: error})
  if (code === 'ITEM_NOT_FOUND') return new VaultError('CREDENTIALS_NOT_FOUND', message, {cause: error})
  const oclifExit = (error as {oclif?: {exit?: number}}).oclif?.exit
  if (oclifExit !== undefined) {
    // oclif lists several problems under a heading line; the first problem is the one line we show.
    const lines = message
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
    const firstLine = (lines[0]?.endsWith(':') ? lines[1] : lines[0]) ?? message
    const help = commandId ? `vault ${commandId.replaceAll(':', ' ')} --help` : 'vault help'
    return new VaultError('USAGE', firstLine, {cause: error, suggestions: [`see \`${help}\``]})
  }
  return new VaultError('INTERNAL', `unexpected error: ${message}`, {
    cause: error,
    suggestions: ['run again with --debug for details'],
  })
}

export {ErrorCodes}
