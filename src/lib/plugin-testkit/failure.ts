import assert from 'node:assert/strict'

/** The error `promise` rejects with; fails the test when it resolves instead. */
export async function failureOf(promise: Promise<unknown>): Promise<Error & {code?: string}> {
  try {
    await promise
  } catch (error) {
    return error as Error & {code?: string}
  }
  assert.fail('expected the call to fail')
}
