/** Process exit codes, one table for the whole CLI (sysexits-style where one fits). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  backend: 69,
  permission: 77,
  config: 78,
  interrupted: 130,
} as const

export type ExitCodeName = keyof typeof ExitCode

/** Machine-readable error codes; each maps to an exit code. */
export const ErrorCodes = {
  USAGE: 'usage',
  CONFIG_INVALID: 'config',
  PROFILE_NOT_FOUND: 'notFound',
  PROFILE_LOOP: 'config',
  CREDENTIALS_NOT_FOUND: 'notFound',
  BACKEND_UNKNOWN: 'usage',
  BACKEND_UNAVAILABLE: 'backend',
  BACKEND_LOCKED: 'backend',
  BACKEND_CORRUPT: 'backend',
  BAD_PASSPHRASE: 'permission',
  NO_TTY: 'usage',
  NESTED_SESSION: 'usage',
  ABORTED: 'interrupted',
  COMMAND_FAILED: 'failure',
  STS_FAILED: 'failure',
  MFA_FAILED: 'failure',
  SOURCE_FAILED: 'failure',
  CREDENTIALS_REFUSED: 'failure',
  LOCK_TIMEOUT: 'failure',
  PROMPT_UNKNOWN: 'usage',
  PROMPT_UNAVAILABLE: 'usage',
  SERVER_FAILED: 'failure',
  IAM_FAILED: 'failure',
  ACCESS_KEY_LIMIT: 'failure',
  ROTATION_FAILED: 'failure',
  FEDERATION_FAILED: 'failure',
  MIGRATION_FAILED: 'failure',
  IMPORT_FAILED: 'failure',
  INTERNAL: 'failure',
} as const satisfies Record<string, ExitCodeName>

export type ErrorCode = keyof typeof ErrorCodes

export interface VaultErrorOptions {
  suggestions?: string[]
  cause?: unknown
}

/** The one error type the CLI prints: a one-line message, a code and what to try. */
export class VaultError extends Error {
  readonly code: ErrorCode
  readonly suggestions: string[]

  constructor(code: ErrorCode, message: string, options: VaultErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'VaultError'
    this.code = code
    this.suggestions = options.suggestions ?? []
  }

  get exitCode(): number {
    return ExitCode[ErrorCodes[this.code]]
  }
}

/** The `code` a plugin put on a plain error, if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as {code: unknown}).code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}
