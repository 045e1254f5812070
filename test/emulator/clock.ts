// The emulator's notion of time: real time plus an offset tests move forward to expire things without sleeping.
export class Clock {
  #offsetMs = 0

  now(): number {
    return Date.now() + this.#offsetMs
  }

  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000
  }
}

export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
