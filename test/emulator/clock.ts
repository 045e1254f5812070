// The emulator's notion of time: real time plus an offset tests move forward to expire things without sleeping.
export class Clock {
  #offsetMs = 0
  #frozenAt?: number

  now(): number {
    return this.#frozenAt ?? Date.now() + this.#offsetMs
  }

  advance(seconds: number): void {
    if (this.#frozenAt === undefined) this.#offsetMs += seconds * 1000
    else this.#frozenAt += seconds * 1000
  }

  // Stops time at its current reading: a test whose clients start slowly on a loaded machine still
  // finds the MFA code it was given in the current step. Only advance() moves it from then on.
  freeze(): void {
    this.#frozenAt ??= this.now()
  }
}

export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
