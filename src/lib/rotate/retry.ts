/**
 * Tries again until `work` succeeds or `budgetMs` has passed: IAM is eventually consistent
 * (a new key may be refused for a few seconds) and throttles. Waits grow from `firstDelayMs`
 * to `maxDelayMs`; an error that `isFinal` recognises ends the tries at once.
 */
export interface RetryOptions {
  budgetMs: number
  firstDelayMs?: number
  maxDelayMs?: number
  isFinal?: (error: unknown) => boolean
  /** Stops before the next try (the error of the last one is thrown). */
  shouldStop?: () => boolean
  onRetry?: (error: unknown, attempt: number) => void
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export interface RetryOutcome<T> {
  value: T
  attempts: number
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export async function retryUntil<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<RetryOutcome<T>> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const started = now()
  let delay = options.firstDelayMs ?? 250
  const maxDelay = options.maxDelayMs ?? 2000
  for (let attempt = 1; ; attempt++) {
    try {
      return {attempts: attempt, value: await work(attempt)}
    } catch (error) {
      const left = options.budgetMs - (now() - started)
      if (options.isFinal?.(error) || left <= 0 || options.shouldStop?.()) throw error
      options.onRetry?.(error, attempt)
      await sleep(Math.min(delay, left))
      delay = Math.min(delay * 2, maxDelay)
    }
  }
}
