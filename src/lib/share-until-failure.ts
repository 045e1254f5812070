/**
 * The work the first call starts, shared by every later call until it fails; a failure is
 * forgotten, so the next call starts the work again instead of failing forever. Backends get it
 * as `ctx.shareUntilFailure`.
 */
export function shareUntilFailure<A extends unknown[], T>(start: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let shared: Promise<T> | undefined
  return (...args) => {
    shared ??= start(...args).catch((error: unknown) => {
      shared = undefined
      throw error
    })
    return shared
  }
}
