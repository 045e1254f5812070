import {safeToPrint} from './output/redact.ts'

export type Logger = (message: string) => void

/** Debug lines go to stderr so stdout stays data only. vault never passes secrets; plugins might. */
export function createDebugLogger(enabled: boolean): Logger {
  if (!enabled) return () => {}
  return (message) => {
    process.stderr.write(`vault: debug: ${safeToPrint(message)}\n`)
  }
}
