import {execFileSync} from 'node:child_process'
import {setTimeout as sleep} from 'node:timers/promises'
import {patient} from './patience.ts'

/** A real pty: a private tmux server running one command, read with capture-pane. */
export class TmuxSession {
  readonly socket: string
  readonly name = 'vault'

  constructor(command: string, env: Record<string, string>) {
    this.socket = `vault-test-${process.pid}-${Math.random().toString(36).slice(2)}`
    const exports = Object.entries(env)
      .map(([key, value]) => `${key}=${shellQuote(value)}`)
      .join(' ')
    execFileSync('tmux', [
      '-L',
      this.socket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      '160',
      '-y',
      '30',
      `env -i ${exports} ${command}; echo EXIT=$?; sleep 60`,
    ])
  }

  screen(): string {
    return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', this.name], {encoding: 'utf8'})
  }

  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + patient(timeoutMs)
    for (;;) {
      const screen = this.screen()
      if (pattern.test(screen)) return screen
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on the terminal:\n${screen}`)
      await sleep(50)
    }
  }

  type(text: string): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, '-l', text])
  }

  press(key: string): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, key])
  }

  close(): void {
    try {
      execFileSync('tmux', ['-L', this.socket, 'kill-server'], {stdio: 'ignore'})
    } catch {
      // already gone
    }
  }
}

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}
