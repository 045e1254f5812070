// Request-shape constraints, failing with the "N validation error(s) detected" text AWS's front end produces.
import {validationError} from './errors.ts'

export class Constraints {
  #failures: string[] = []

  #fail(value: string | number, field: string, rule: string): void {
    this.#failures.push(`Value '${value}' at '${field}' failed to satisfy constraint: Member must ${rule}`)
  }

  length(value: string | undefined, field: string, min: number, max: number): this {
    if (value === undefined) return this
    if (value.length < min) this.#fail(value, field, `have length greater than or equal to ${min}`)
    else if (value.length > max) this.#fail(value, field, `have length less than or equal to ${max}`)
    return this
  }

  pattern(value: string | undefined, field: string, source: string): this {
    if (value === undefined) return this
    if (!new RegExp(`^(?:${source})$`, 'u').test(value)) this.#fail(value, field, `satisfy regular expression pattern: ${source}`)
    return this
  }

  range(value: number | undefined, field: string, min: number, max: number): this {
    if (value === undefined) return this
    if (value < min) this.#fail(value, field, `have value greater than or equal to ${min}`)
    else if (value > max) this.#fail(value, field, `have value less than or equal to ${max}`)
    return this
  }

  check(): void {
    const count = this.#failures.length
    if (count === 0) return
    const noun = count === 1 ? 'validation error' : 'validation errors'
    throw validationError(`${count} ${noun} detected: ${this.#failures.join('; ')}`)
  }
}

export const NAME_PATTERN = String.raw`[\w+=,.@-]*`
export const SERIAL_PATTERN = String.raw`[\w+=/:,.@-]*`
export const TOKEN_CODE_PATTERN = String.raw`[\d]*`

export const requireParam = (params: Record<string, string>, name: string): string => {
  const value = params[name]
  if (value === undefined) {
    const field = name.charAt(0).toLowerCase() + name.slice(1)
    throw validationError(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`)
  }
  return value
}

export const intParam = (params: Record<string, string>, name: string): number | undefined => {
  const value = params[name]
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!Number.isInteger(parsed)) throw validationError(`Invalid value for parameter ${name}`)
  return parsed
}
