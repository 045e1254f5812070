/**
 * Rotating a stored access key so that the store always holds a key that works:
 * before the new key is stored, any failure deletes the new key from IAM again; once it is
 * stored (and proven with GetCallerIdentity), the old key is deleted, with retries.
 * No oclif and no SDK here: the calls come in through {@link RotationDeps}.
 */
import type {Credentials} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import type {Logger} from '../log.ts'
import type {CreatedAccessKey, UserAccessKeys} from '../sts/iam.ts'
import {formatKeyForDisplay} from './redact.ts'
import {retryUntil} from './retry.ts'

export interface IamCredentials {
  credentials: Credentials
  /** How they were obtained, for the task list: "the stored key", "an MFA session", "role …". */
  description: string
  /** Role credentials must name the user in IAM calls; the user's own credentials need not. */
  namesUser: boolean
}

export interface RotationDeps {
  readStored(): Promise<Credentials | undefined>
  writeStored(credentials: Credentials): Promise<void>
  iamCredentials(): Promise<IamCredentials>
  listAccessKeys(credentials: Credentials, userName?: string): Promise<UserAccessKeys>
  createAccessKey(credentials: Credentials, userName?: string): Promise<CreatedAccessKey>
  deleteAccessKey(credentials: Credentials, accessKeyId: string, userName?: string): Promise<void>
  callerArn(credentials: Credentials): Promise<string>
  /** Removes the cached sessions made with the old key; returns how many went. */
  clearSessions(): Promise<number>
  /** The name of an AWS error (`Throttling`, `NoSuchEntity`, …), looking through wrappers. */
  errorName(error: unknown): string | undefined
  log: Logger
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export interface RotationSettings {
  profileName: string
  /** The profile whose stored keys are rotated: the profile itself or its source. */
  storedProfile: string
  /** How long to wait for the new key to work and for IAM to delete a key. */
  waitMs: number
}

export interface RotationResult {
  profile: string
  storedProfile: string
  userName: string
  oldAccessKey: string
  newAccessKey: string
  sessionsCleared: number
}

/** Errors that another try cannot change. */
const finalErrors = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'InvalidClientTokenId',
  'ValidationError',
  'NoSuchEntity',
  'LimitExceeded',
])

const userNameOfArn = (arn: string): string | undefined => /:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1]

export class Rotation {
  readonly settings: RotationSettings
  private readonly deps: RotationDeps
  private oldKey?: Credentials
  private iam?: IamCredentials
  private userName?: string
  private newKey?: Credentials
  private stored = false
  private interrupted = false
  private creating = false
  private sessionsCleared = 0

  constructor(settings: RotationSettings, deps: RotationDeps) {
    this.settings = settings
    this.deps = deps
  }

  /**
   * Ctrl-C: nothing half-done is left behind; a new key not yet stored is deleted again.
   * Returns true when no new key exists or is being made, so stopping at once is safe.
   */
  interrupt(): boolean {
    this.interrupted = true
    return !this.creating && this.newKey === undefined && !this.stored
  }

  async findStoredKey(): Promise<string> {
    const stored = await this.deps.readStored()
    if (!stored) {
      throw new VaultError('CREDENTIALS_NOT_FOUND', `no access key stored for profile "${this.settings.storedProfile}"`, {
        suggestions: [`store one with \`vault add ${this.settings.storedProfile}\``],
      })
    }
    if (stored.sessionToken) {
      throw new VaultError(
        'ROTATION_FAILED',
        `profile "${this.settings.storedProfile}" stores temporary credentials, which cannot be rotated`,
        {
          suggestions: ['rotate the profile whose long-term access key is stored'],
        },
      )
    }
    this.oldKey = stored
    return formatKeyForDisplay(stored.accessKeyId)
  }

  async getCredentials(): Promise<string> {
    const iam = await this.deps.iamCredentials()
    this.iam = iam
    if (iam.namesUser) {
      const arn = await this.deps.callerArn(this.required(this.oldKey))
      const name = userNameOfArn(arn)
      if (!name)
        throw new VaultError('ROTATION_FAILED', `the stored key belongs to ${arn}, not to an IAM user`, {
          suggestions: ['only IAM users have access keys to rotate'],
        })
      this.userName = name
    }
    return iam.description
  }

  /** Checks that IAM has room for a second key, then creates it. */
  async createKey(): Promise<string> {
    const iam = this.required(this.iam)
    const oldKey = this.required(this.oldKey)
    const listed = await this.deps.listAccessKeys(iam.credentials, this.userName)
    this.userName ??= listed.userName
    const known = listed.keys.some((key) => key.accessKeyId === oldKey.accessKeyId)
    if (!known) {
      throw new VaultError(
        'ROTATION_FAILED',
        `the stored key ${formatKeyForDisplay(oldKey.accessKeyId)} is not one of the access keys of IAM user ${listed.userName || this.userName}`,
        {
          suggestions: [
            `check which user the profile signs in as: \`vault exec ${this.settings.profileName} -- aws sts get-caller-identity\``,
          ],
        },
      )
    }
    if (listed.keys.length >= 2) throw this.keyLimit(listed)
    if (this.interrupted) throw interruptedError()
    let created: CreatedAccessKey
    this.creating = true
    try {
      created = await this.deps.createAccessKey(iam.credentials, this.userName)
      this.newKey = created.credentials
    } catch (error) {
      if (this.deps.errorName(error) === 'LimitExceeded')
        throw this.keyLimit(await this.deps.listAccessKeys(iam.credentials, this.userName).catch(() => listed))
      throw error
    } finally {
      this.creating = false
    }
    this.userName ||= created.userName
    return formatKeyForDisplay(created.credentials.accessKeyId)
  }

  /** GetCallerIdentity with the new key until it answers as the same user (IAM takes a few seconds). */
  async waitForNewKey(onRetry?: (attempt: number) => void): Promise<number> {
    const newKey = this.required(this.newKey)
    try {
      const {attempts} = await retryUntil(
        async () => {
          if (this.interrupted) throw interruptedError()
          const arn = await this.deps.callerArn(newKey)
          const name = userNameOfArn(arn)
          if (this.userName && name !== this.userName) {
            throw new VaultError('ROTATION_FAILED', `the new key answers as ${arn}, not as IAM user ${this.userName}`)
          }
        },
        {
          ...this.retryOptions(),
          isFinal: (error) => error instanceof VaultError && (error.code === 'ABORTED' || error.code === 'ROTATION_FAILED'),
          onRetry: (_error, attempt) => onRetry?.(attempt),
        },
      )
      return attempts
    } catch (error) {
      throw await this.rollBack(
        error,
        `the new key ${formatKeyForDisplay(newKey.accessKeyId)} did not work within ${describeMs(this.settings.waitMs)}`,
      )
    }
  }

  /** Stores the new key and reads it back; on failure the store must hold the old key before the new one goes. */
  async storeNewKey(): Promise<void> {
    const newKey = this.required(this.newKey)
    const oldKey = this.required(this.oldKey)
    if (this.interrupted) throw await this.rollBack(interruptedError(), 'interrupted')
    try {
      await this.deps.writeStored(newKey)
      const readBack = await this.deps.readStored()
      if (readBack?.accessKeyId !== newKey.accessKeyId || readBack.secretAccessKey !== newKey.secretAccessKey) {
        throw new Error('the store does not give back the key just written')
      }
      this.stored = true
      return
    } catch (error) {
      const holds = await this.deps.readStored().catch(() => undefined)
      if (holds?.accessKeyId === newKey.accessKeyId && holds.secretAccessKey === newKey.secretAccessKey) {
        this.deps.log(`storing reported an error, but the store holds the new key: going on (${errorText(error)})`)
        this.stored = true
        return
      }
      if (holds?.accessKeyId !== oldKey.accessKeyId) {
        const restored = await this.deps.writeStored(oldKey).then(
          () => true,
          () => false,
        )
        if (!restored) {
          throw new VaultError(
            'ROTATION_FAILED',
            `could not store the new key ${formatKeyForDisplay(newKey.accessKeyId)} (${errorText(error)}), nor put the old key ${formatKeyForDisplay(oldKey.accessKeyId)} back: both stay in IAM`,
            {
              cause: error,
              suggestions: [`store one of them with \`vault add ${this.settings.storedProfile}\`, then delete the other in IAM`],
            },
          )
        }
      }
      throw await this.rollBack(error, `could not store the new key ${formatKeyForDisplay(newKey.accessKeyId)}`)
    }
  }

  /** Not fatal: a session made with the old key still works until it expires. */
  async clearSessions(): Promise<number> {
    this.sessionsCleared = await this.deps.clearSessions()
    return this.sessionsCleared
  }

  async deleteOldKey(onRetry?: (attempt: number) => void): Promise<string> {
    if (!this.stored) throw new Error('the old key is deleted only after the new one is stored')
    const oldKey = this.required(this.oldKey)
    const newKey = this.required(this.newKey)
    try {
      await this.deleteWithRetries(oldKey.accessKeyId, onRetry)
    } catch (error) {
      throw new VaultError(
        'ROTATION_FAILED',
        `the new key ${formatKeyForDisplay(newKey.accessKeyId)} is stored and works, but the old key ${formatKeyForDisplay(oldKey.accessKeyId)} could not be deleted from IAM (${errorText(error)})`,
        {
          cause: error,
          suggestions: [
            `delete it yourself: \`aws iam list-access-keys --user-name ${this.userName}\` shows its full id, then \`aws iam delete-access-key --user-name ${this.userName} --access-key-id <id>\``,
          ],
        },
      )
    }
    return formatKeyForDisplay(oldKey.accessKeyId)
  }

  result(): RotationResult {
    return {
      newAccessKey: formatKeyForDisplay(this.required(this.newKey).accessKeyId),
      oldAccessKey: formatKeyForDisplay(this.required(this.oldKey).accessKeyId),
      profile: this.settings.profileName,
      sessionsCleared: this.sessionsCleared,
      storedProfile: this.settings.storedProfile,
      userName: this.userName ?? '',
    }
  }

  private async deleteWithRetries(accessKeyId: string, onRetry?: (attempt: number) => void): Promise<void> {
    const iam = this.required(this.iam)
    await retryUntil(
      async () => {
        try {
          await this.deps.deleteAccessKey(iam.credentials, accessKeyId, this.userName)
        } catch (error) {
          // An earlier try that timed out may have deleted it after all.
          if (this.deps.errorName(error) === 'NoSuchEntity') return
          throw error
        }
      },
      {
        ...this.retryOptions(),
        isFinal: (error) => finalErrors.has(this.deps.errorName(error) ?? ''),
        onRetry: (_error, attempt) => onRetry?.(attempt),
      },
    )
  }

  /** Deletes the new key again so IAM holds nothing the store does not know; the store still has the old key. */
  private async rollBack(cause: unknown, what: string): Promise<VaultError> {
    const newKey = this.required(this.newKey)
    const oldKey = this.required(this.oldKey)
    const reason = cause instanceof VaultError && cause.code === 'ABORTED' ? '' : ` (${errorText(cause)})`
    try {
      await this.deleteWithRetries(newKey.accessKeyId)
    } catch (error) {
      return new VaultError(
        'ROTATION_FAILED',
        `${what}${reason}, and deleting it again failed (${errorText(error)}): the store still holds ${formatKeyForDisplay(oldKey.accessKeyId)}, which works`,
        {cause, suggestions: [`delete the unused key ${formatKeyForDisplay(newKey.accessKeyId)} of IAM user ${this.userName} in IAM`]},
      )
    }
    this.newKey = undefined
    if (cause instanceof VaultError && cause.code === 'ABORTED') return cause
    return new VaultError(
      'ROTATION_FAILED',
      `${what}${reason}; it was deleted again and the store still holds ${formatKeyForDisplay(oldKey.accessKeyId)}, which works`,
      {
        cause,
        suggestions: ['run `vault rotate` again later', 'run again with --debug for details'],
      },
    )
  }

  private keyLimit(listed: UserAccessKeys): VaultError {
    const oldId = this.oldKey?.accessKeyId
    const keys = listed.keys.map(
      (key) =>
        `${formatKeyForDisplay(key.accessKeyId)} (${key.accessKeyId === oldId ? 'stored here' : 'not stored here'}, ${key.status.toLowerCase() || 'unknown status'})`,
    )
    const others = listed.keys.filter((key) => key.accessKeyId !== oldId).map((key) => `…${key.accessKeyId.slice(-4)}`)
    const user = listed.userName || this.userName || 'the user'
    return new VaultError('ACCESS_KEY_LIMIT', `IAM user ${user} already has two access keys, the most IAM allows: ${keys.join(' and ')}`, {
      suggestions: [
        `if nothing uses the key ending in ${others.join(', ') || '…'}, delete it: \`aws iam list-access-keys --user-name ${user}\` shows its full id, then \`aws iam delete-access-key --user-name ${user} --access-key-id <id>\``,
        'then run `vault rotate` again',
      ],
    })
  }

  private retryOptions() {
    return {
      budgetMs: this.settings.waitMs,
      ...(this.deps.sleep ? {sleep: this.deps.sleep} : {}),
      ...(this.deps.now ? {now: this.deps.now} : {}),
    }
  }

  private required<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('rotation steps ran out of order')
    return value
  }
}

function interruptedError(): VaultError {
  return new VaultError('ABORTED', 'interrupted: the rotation was stopped before the new key was stored; the store still holds the old key')
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(/\s+/g, ' ').trim().replace(/\.$/, '')
}

function describeMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}
