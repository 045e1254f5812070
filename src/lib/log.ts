export type Logger = (message: string) => void

/** Debug lines go to stderr so stdout stays data only. Callers never pass secrets. */
export function createDebugLogger(enabled: boolean): Logger {
  if (!enabled) return () => {}
  return (message) => {
    process.stderr.write(`vault: debug: ${message}\n`)
  }
}
