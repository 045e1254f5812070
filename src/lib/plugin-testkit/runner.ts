/** What a test body may ask of its runner: mocha's context sets a longer timeout; others may not. */
export interface TestContext {
  timeout?: (ms: number) => unknown
}

type Body = (this: TestContext) => void | Promise<void>

/** The globals of mocha's BDD interface, as the test kit uses them. */
export interface TestRunner {
  describe(name: string, body: (this: unknown) => void): void
  /** Without a body, the test is declared pending (reported, not run). */
  it(name: string, body?: Body): void
  beforeEach(body: Body): void
  afterEach(body: Body): void
  after(body: Body): void
}

/**
 * The runner's globals, looked up when a suite is declared: the test kit depends on no runner,
 * and a plugin keeps the one it has.
 */
export function testRunner(caller: string): TestRunner {
  const globals = globalThis as unknown as Partial<TestRunner>
  const names = ['describe', 'it', 'beforeEach', 'afterEach', 'after'] as const
  const missing = names.filter((name) => typeof globals[name] !== 'function')
  if (missing.length > 0) {
    throw new Error(`${caller} declares tests: run it under mocha (its BDD interface); missing ${missing.join(', ')}`)
  }
  return globals as TestRunner
}
