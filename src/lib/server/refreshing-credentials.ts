import type {CredentialProvider, Credentials} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import type {Logger} from '../log.ts'

export interface RefreshOptions {
  /** Credentials are never handed out with this many seconds or fewer left (AWS_MIN_TTL). */
  minTtlSeconds: number
  /** What these credentials are, for log lines and errors. */
  label: string
  log?: Logger
  now?: () => number
}

/**
 * Credentials a server hands out for as long as it runs: kept in memory while they have more
 * than the minimum TTL left, fetched again when they do not. Requests arriving during a fetch
 * wait for that one fetch, so a burst at expiry costs one STS call.
 */
export class RefreshingCredentials {
  readonly label: string
  private readonly fetch: CredentialProvider
  private readonly minTtlMs: number
  private readonly log: Logger
  private readonly now: () => number
  private current?: Credentials
  private pending?: Promise<Credentials>
  private fetches = 0

  constructor(fetch: CredentialProvider, options: RefreshOptions) {
    this.fetch = fetch
    this.label = options.label
    this.minTtlMs = options.minTtlSeconds * 1000
    this.log = options.log ?? (() => {})
    this.now = options.now ?? Date.now
  }

  /** The credentials held now, when they may still be served; no I/O. */
  fresh(): Credentials | undefined {
    const credentials = this.current
    return credentials && this.servable(credentials) ? credentials : undefined
  }

  /** Fresh credentials, fetching them first when needed. */
  get(): Promise<Credentials> {
    const credentials = this.fresh()
    return credentials ? Promise.resolve(credentials) : this.refresh()
  }

  /** How many times the credentials were fetched (for debug output and tests). */
  get fetchCount(): number {
    return this.fetches
  }

  private refresh(): Promise<Credentials> {
    this.pending ??= this.fetchOnce().finally(() => {
      this.pending = undefined
    })
    return this.pending
  }

  private async fetchOnce(): Promise<Credentials> {
    this.fetches++
    this.log(`fetching the credentials of ${this.label}${this.current ? ' (the held ones are too close to expiry)' : ''}`)
    const credentials = await this.fetch()
    if (!this.servable(credentials)) {
      const left = Math.floor(((credentials.expiration?.getTime() ?? 0) - this.now()) / 1000)
      throw new VaultError(
        'CONFIG_INVALID',
        `the new credentials of ${this.label} expire in ${left}s, not more than AWS_MIN_TTL (${this.minTtlMs / 1000}s)`,
        {
          suggestions: ['ask for longer sessions with --duration, or lower AWS_MIN_TTL'],
        },
      )
    }
    this.current = credentials
    return credentials
  }

  private servable(credentials: Credentials): boolean {
    return !credentials.expiration || credentials.expiration.getTime() - this.now() > this.minTtlMs
  }
}
