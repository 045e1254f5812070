// Programs put ahead of the real ones on PATH (or named as mfa_process) that wait until the
// /proc scan has seen them, so the scan provably covers every helper vault runs.
import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {ProcWatch} from './proc-watch.ts'

// Long enough for a loaded machine, short enough that a broken test never hangs on a helper.
const HOLD_LIMIT_TENTHS = 300

/** Shell lines that announce this process and wait for its release (at most 30 s). */
function holdLines(gateDir: string): string {
  return `: > '${gateDir}/held.'$$
i=0
while [ ! -e '${gateDir}/go.'$$ ] && [ $i -lt ${HOLD_LIMIT_TENTHS} ]; do sleep 0.1; i=$((i + 1)); done
`
}

export class Gate {
  readonly dir: string
  readonly #watch: ProcWatch
  readonly #released = new Set<string>()
  readonly #scripts = new Set<string>()
  #timer: NodeJS.Timeout | undefined

  constructor(dir: string, watch: ProcWatch) {
    this.dir = dir
    this.#watch = watch
    mkdirSync(dir, {recursive: true})
  }

  /** A program that holds, then runs `real` with its arguments. */
  shim(binDir: string, name: string, real: string): string {
    mkdirSync(binDir, {recursive: true})
    const path = join(binDir, name)
    writeFileSync(path, `#!/bin/sh\n${holdLines(this.dir)}exec '${real}' "$@"\n`, {mode: 0o755})
    this.#scripts.add(path)
    return path
  }

  /** An mfa_process that holds, then prints the code it finds in `codeFile` (so no code travels in argv). */
  mfaProcess(path: string, codeFile: string): string {
    writeFileSync(path, `#!/bin/sh\n${holdLines(this.dir)}cat '${codeFile}'\n`, {mode: 0o755})
    this.#scripts.add(path)
    return path
  }

  /** Pids that held, released or not. */
  held(): string[] {
    return readdirSync(this.dir)
      .filter((name) => name.startsWith('held.'))
      .map((name) => name.slice('held.'.length))
  }

  released(): number {
    return this.#released.size
  }

  start(): void {
    this.#timer = setInterval(() => this.#releaseSeen(), 20)
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  // Released only once the scan has seen the script's own command line under that pid.
  #releaseSeen(): void {
    const seenPids = new Set(
      this.#watch
        .processes()
        .filter((process) => process.argv.some((arg) => this.#scripts.has(arg)))
        .map((process) => String(process.pid)),
    )
    for (const pid of this.held()) {
      if (this.#released.has(pid) || !seenPids.has(pid)) continue
      if (!existsSync(join(this.dir, `go.${pid}`))) writeFileSync(join(this.dir, `go.${pid}`), '')
      this.#released.add(pid)
    }
  }
}
