import {type ChildProcess, execFile, spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {pbkdf2Sync, randomBytes} from 'node:crypto'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {promisify} from 'node:util'

// A real kwalletd5 for the tests: on a private session bus that activates nothing, with an X server of its
// own (Xvfb: kwalletd is a Qt program and shows its dialogs there), in a throwaway HOME whose kwalletrc skips
// the first-use wizard. Wallets are created through kwalletd's own pamOpen call (what kwallet-pam does at
// login) with a password derived as kwalletd derives it, so a test can later type that password into
// kwalletd's password dialog with xdotool.

export const REQUIRED_PACKAGES = 'dbus libkf5wallet-bin xvfb xdotool'
const COMMANDS = ['dbus-run-session', 'dbus-send', 'kwalletd5', 'Xvfb', 'xdotool']

const run = promisify(execFile)

/**
 * A session bus that activates only what `services` holds (nothing, or kwalletd5): no Secret Service and no
 * other daemon of the machine starts on it, and nothing outside the test's HOME is touched.
 */
function busConfig(services: string): string {
  return [
    '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">',
    '<busconfig>',
    '<type>session</type> <listen>unix:tmpdir=/tmp</listen> <auth>EXTERNAL</auth>',
    '<policy context="default"> <allow send_destination="*" eavesdrop="true"/> <allow eavesdrop="true"/> <allow own="*"/> </policy>',
    `<servicedir>${services}</servicedir>`,
    '</busconfig>',
  ].join('\n')
}

/** A shell loop that returns once kwalletd5 owns its name on the session bus (exit 98 after a minute). */
const WAIT_FOR_DAEMON = `tries=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \\
      string:org.kde.kwalletd5 2>/dev/null | grep -q 'boolean true'; do
    tries=$((tries + 1)); [ $tries -ge 600 ] && exit 98; sleep 0.1
  done`

// First Use=false: no first-use wizard. Prompt on Open=false: no "allow this application" dialog, as
// after a user chose "Allow always". Close When Idle=false: a wallet stays open for the whole run.
const KWALLETRC = `[Wallet]
Enabled=true
First Use=false
Default Wallet=kdewallet
Prompt on Open=false
Close When Idle=false
`

export interface KWalletSessionOptions {
  /**
   * `running` (default): kwalletd5 runs. `activatable`: the bus starts kwalletd5 on the first call to its
   * name, as a desktop's bus does. `absent`: the bus has no KWallet daemon at all.
   */
  daemon?: 'running' | 'activatable' | 'absent'
  /** kwalletd also serves the Secret Service (org.freedesktop.secrets) unless this is false. */
  secretService?: boolean
}

/** Commands the session needs that are not on PATH. */
export function missingCommands(): string[] {
  return COMMANDS.filter((command) => spawnSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'}).status !== 0)
}

export class KWalletSession {
  /** What a client needs to reach the daemon and to have a display: DBUS_SESSION_BUS_ADDRESS, DISPLAY. */
  readonly env: Record<string, string>
  /** kwalletd's HOME, where its wallets (XDG_DATA_HOME/kwalletd) and kwalletrc live. */
  readonly home: string
  readonly #child: ChildProcessWithoutNullStreams
  readonly #answering = new Set<ChildProcess>()

  private constructor(child: ChildProcessWithoutNullStreams, env: Record<string, string>, home: string) {
    this.#child = child
    this.env = env
    this.home = home
  }

  static async start(root: string, options: KWalletSessionOptions = {}): Promise<KWalletSession> {
    const missing = missingCommands()
    if (missing.length > 0) {
      throw new Error(
        `missing ${missing.join(', ')}: install the Debian packages ${REQUIRED_PACKAGES} (apt-get install -y --no-install-recommends ${REQUIRED_PACKAGES})`,
      )
    }
    const home = join(root, 'kwallet-home')
    const runtime = join(root, 'kwallet-runtime')
    mkdirSync(join(home, '.config'), {mode: 0o700, recursive: true})
    mkdirSync(runtime, {mode: 0o700, recursive: true})
    const secretService = options.secretService === false ? '\n[org.freedesktop.secrets]\napiEnabled=false\n' : ''
    writeFileSync(join(home, '.config', 'kwalletrc'), KWALLETRC + secretService)
    const daemon = options.daemon ?? 'running'
    const configFile = join(root, 'kwallet-bus.conf')
    const services = join(root, 'kwallet-services')
    mkdirSync(services, {recursive: true})
    if (daemon === 'activatable') {
      const kwalletd = spawnSync('sh', ['-c', 'command -v kwalletd5'], {encoding: 'utf8'}).stdout.trim()
      writeFileSync(join(services, 'org.kde.kwalletd5.service'), `[D-BUS Service]\nName=org.kde.kwalletd5\nExec=${kwalletd}\n`)
    }
    writeFileSync(configFile, busConfig(services))
    // Xvfb picks a free display and writes its number when it is ready; the shell reports the bus address
    // and the display once the daemon owns its name, then holds the session open until its stdin closes.
    const script = `display_file="$1"
Xvfb -displayfd 3 -nolisten tcp -screen 0 1024x768x24 3>"$display_file" 2>/dev/null &
xvfb=$!
until [ -s "$display_file" ]; do kill -0 $xvfb 2>/dev/null || exit 96; sleep 0.05; done
export DISPLAY=":$(head -n 1 "$display_file")"
daemon=
if [ "$KWALLETD" = running ]; then
  kwalletd5 >/dev/null 2>&1 &
  daemon=$!
  ${WAIT_FOR_DAEMON}
fi
# What the bus starts runs on this display.
dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
  org.freedesktop.DBus.UpdateActivationEnvironment "dict:string:string:DISPLAY,$DISPLAY" >/dev/null || exit 95
echo "BUS=$DBUS_SESSION_BUS_ADDRESS"
echo "DISPLAY=$DISPLAY"
cat >/dev/null
# A daemon the bus started is not this shell's child: ask the bus for its process.
started=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
  org.freedesktop.DBus.GetConnectionUnixProcessID string:org.kde.kwalletd5 2>/dev/null | awk '/uint32/ {print $2}')
kill $daemon $started $xvfb 2>/dev/null
wait`
    const child = spawn('dbus-run-session', [`--config-file=${configFile}`, '--', 'sh', '-c', script, 'session', join(root, 'display')], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_RUNTIME_DIR: runtime,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local', 'share'),
        XDG_CACHE_HOME: join(home, '.cache'),
        LANG: 'C.UTF-8',
        KWALLETD: daemon,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const env = await new Promise<Record<string, string>>((resolve, reject) => {
      let out = ''
      let err = ''
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const bus = /^BUS=(.+)$/m.exec(out)?.[1]
        const display = /^DISPLAY=(.+)$/m.exec(out)?.[1]
        if (bus && display) resolve({DBUS_SESSION_BUS_ADDRESS: bus, DISPLAY: display})
      })
      child.on('exit', (code) => reject(new Error(`dbus-run-session exited (${code}) before kwalletd5 was up: ${err}`)))
    })
    child.removeAllListeners('exit')
    return new KWalletSession(child, env, home)
  }

  /** dbus-send to kwalletd5's KWallet interface; returns the reply as dbus-send prints it. */
  async kwallet(member: string, ...args: string[]): Promise<string> {
    const {stdout} = await run(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.kde.kwalletd5', '/modules/kwalletd5', `org.kde.KWallet.${member}`, ...args],
      {env: {PATH: process.env.PATH, ...this.env}, maxBuffer: 64 * 1024 * 1024},
    )
    return stdout
  }

  /** Whether kwalletd5 owns its name on the bus now. */
  async daemonRunning(): Promise<boolean> {
    const {stdout} = await run(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        'string:org.kde.kwalletd5',
      ],
      {env: {PATH: process.env.PATH, ...this.env}},
    )
    return stdout.includes('boolean true')
  }

  /** The int32 a KWallet call answered. */
  async kwalletInt(member: string, ...args: string[]): Promise<number> {
    const reply = await this.kwallet(member, ...args)
    const value = /int32 (-?\d+)/.exec(reply)?.[1]
    if (value === undefined) throw new Error(`${member} answered no int32: ${reply}`)
    return Number(value)
  }

  /**
   * Creates `wallet` with `password` and leaves it open, without a dialog: kwalletd's pamOpen with the
   * password hashed as kwalletd hashes it (PBKDF2-SHA512 over the wallet's salt file, 50000 rounds, 56 bytes).
   */
  async createWallet(wallet: string, password: string): Promise<void> {
    const dir = join(this.home, '.local', 'share', 'kwalletd')
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const salt = randomBytes(56)
    writeFileSync(join(dir, `${wallet}.salt`), salt)
    const hash = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 50_000, 56, 'sha512')
    await this.kwallet('pamOpen', `string:${wallet}`, `array:byte:${[...hash].join(',')}`, 'int32:0')
    if (!(await this.kwallet('wallets')).includes(`"${wallet}"`)) throw new Error(`kwalletd5 did not create the wallet ${wallet}`)
  }

  /** Closes `wallet` for every application, as KWallet's manager does. */
  async closeWallet(wallet: string): Promise<void> {
    await this.kwallet('close', `string:${wallet}`, 'boolean:true')
  }

  async isWalletOpen(wallet: string): Promise<boolean> {
    return (await this.kwallet('isOpen', `string:${wallet}`)).includes('boolean true')
  }

  /**
   * Waits for kwalletd's dialog (a window of class kwalletd5) on this session's display, focuses it,
   * types `text` if given and presses `key`. No window manager runs: windowfocus, not windowactivate.
   */
  async answerDialog(text: string | undefined, key: 'Return' | 'Escape'): Promise<void> {
    const env = {PATH: process.env.PATH, DISPLAY: this.env.DISPLAY}
    const xdotool = async (...args: string[]) => {
      const running = run('xdotool', args, {env})
      this.#answering.add(running.child)
      try {
        return await running
      } finally {
        this.#answering.delete(running.child)
      }
    }
    const visible = async (): Promise<string[]> => {
      const found = await xdotool('search', '--onlyvisible', '--class', 'kwalletd5').catch(() => ({stdout: ''}))
      return found.stdout.trim().split('\n').filter(Boolean)
    }
    // A dialog can be visible before it takes keys (often so on a loaded machine): what was typed then is
    // lost and the dialog stays. So the answer is given again, the field emptied first, until the window goes.
    for (;;) {
      const {stdout} = await xdotool('search', '--sync', '--onlyvisible', '--class', 'kwalletd5')
      const window = stdout.trim().split('\n')[0] as string
      await xdotool('windowfocus', '--sync', window)
      if (text !== undefined) {
        await xdotool('key', 'ctrl+a', 'BackSpace')
        await xdotool('type', '--delay', '10', text)
      }
      await xdotool('key', key)
      for (let look = 0; look < 20; look++) {
        if (!(await visible()).includes(window)) return
        await sleep(100)
      }
    }
  }

  /** Stops waiting for dialogs, so a dialog of a later test is never answered by an earlier one. */
  stopAnswering(): void {
    for (const child of this.#answering) child.kill()
    this.#answering.clear()
  }

  async stop(): Promise<void> {
    this.stopAnswering()
    if (this.#child.exitCode !== null) return
    const exited = new Promise((resolve) => this.#child.on('exit', resolve))
    this.#child.stdin.end()
    await exited
  }
}
