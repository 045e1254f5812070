// Injected failures and delay, consumed per action as calls arrive.
import {AwsError, fromSpec, messages, type ErrorSpec} from './errors.ts'

// Each service's own throttling answer, which the SDKs recognise as retryable.
const throttlingError = (service: string): AwsError => {
  if (service === 'sso') return new AwsError('TooManyRequestsException', 'Too many requests', 429)
  if (service === 'sso-oidc') return new AwsError('TooManyRequestsException', 'Too many requests', 429, {oauthError: 'too_many_requests'})
  return new AwsError('Throttling', messages.rateExceeded, 400)
}

interface Rule {
  error: (service: string) => AwsError
  remaining: number
}

/** Fields a hostile or broken STS puts in the Credentials of an answer that otherwise succeeds. */
export interface HostileCredentials {
  AccessKeyId?: string
  SecretAccessKey?: string
  SessionToken?: string
  Expiration?: string
}

interface AnswerRule {
  credentials: HostileCredentials
  remaining: number
}

export class Faults {
  readonly #rules = new Map<string, Rule[]>()
  readonly #answers = new Map<string, AnswerRule[]>()
  latencyMs = 0

  /** The next `times` successful answers of the action carry these credential fields instead. */
  answerWith(action: string, credentials: HostileCredentials, times = Number.POSITIVE_INFINITY): void {
    this.#answers.set(action, [...(this.#answers.get(action) ?? []), {credentials, remaining: times}])
  }

  // The credential fields to put in this successful answer, if a rule still applies.
  takeAnswer(action: string): HostileCredentials | undefined {
    const rule = (this.#answers.get(action) ?? []).find((candidate) => candidate.remaining > 0)
    if (!rule) return undefined
    rule.remaining -= 1
    return rule.credentials
  }

  throttle(action: string, times: number): void {
    this.#add(action, {error: throttlingError, remaining: times})
  }

  fail(action: string, error: string | ErrorSpec, times = Number.POSITIVE_INFINITY): void {
    this.#add(action, {error: () => fromSpec(error), remaining: times})
  }

  #add(action: string, rule: Rule): void {
    this.#rules.set(action, [...(this.#rules.get(action) ?? []), rule])
  }

  // The error to answer this call with, if a rule still applies.
  take(service: string, action: string): AwsError | undefined {
    const rules = this.#rules.get(action) ?? []
    const rule = rules.find((candidate) => candidate.remaining > 0)
    if (!rule) return undefined
    rule.remaining -= 1
    return rule.error(service)
  }

  clear(): void {
    this.#rules.clear()
    this.#answers.clear()
    this.latencyMs = 0
  }
}
