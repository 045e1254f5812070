// Samples /proc while vault and its helpers run: every command line seen, and the environment
// each process started with, so a secret handed over in argv or in the environment is caught.
import {readdir, readFile} from 'node:fs/promises'
import {setImmediate as yieldToLoop} from 'node:timers/promises'
import {patient} from '../../helpers/patience.ts'

export interface SeenProcess {
  pid: number
  argv: string[]
  /** NAME=value entries; empty when /proc would not show them. */
  environ: string[]
}

export class ProcWatch {
  readonly #seen = new Map<string, SeenProcess>()
  #running = false
  #loop: Promise<void> | undefined
  #rounds = 0

  start(): void {
    this.#running = true
    this.#loop = this.#run()
  }

  async stop(): Promise<SeenProcess[]> {
    this.#running = false
    await this.#loop
    return this.processes()
  }

  processes(): SeenProcess[] {
    return [...this.#seen.values()]
  }

  /** How many times every process was looked at. */
  get rounds(): number {
    return this.#rounds
  }

  /** Resolves once a process whose command line matches has been seen (and its environment read). */
  async waitFor(match: (argv: string[]) => boolean, what: string, timeoutMs = 30_000): Promise<SeenProcess> {
    const deadline = Date.now() + patient(timeoutMs)
    for (;;) {
      const found = this.processes().find((process) => match(process.argv))
      if (found) return found
      if (Date.now() > deadline) throw new Error(`the /proc scan never saw ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      await this.#sample()
      this.#rounds++
      await yieldToLoop()
    }
    // One last look, so what ran until the very end is in.
    await this.#sample()
  }

  async #sample(): Promise<void> {
    const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name))
    await Promise.all(
      pids.map(async (pid) => {
        const cmdline = await readFile(`/proc/${pid}/cmdline`).catch(() => undefined)
        if (cmdline === undefined || cmdline.length === 0) return
        const key = `${pid}\0${cmdline.toString('latin1')}`
        if (this.#seen.has(key)) return
        const environ = await readFile(`/proc/${pid}/environ`).catch(() => Buffer.alloc(0))
        this.#seen.set(key, {argv: split(cmdline), environ: split(environ), pid: Number(pid)})
      }),
    )
  }
}

function split(buffer: Buffer): string[] {
  const text = buffer.toString('utf8')
  return (text.endsWith('\0') ? text.slice(0, -1) : text).split('\0').filter((part) => part !== '')
}
