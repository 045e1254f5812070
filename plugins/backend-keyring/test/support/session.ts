import {spawn, spawnSync} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

// Runs mocha inside a private D-Bus session (optionally with a gnome-keyring-daemon of its
// own, unlocked, in a throwaway HOME) and hands back what each test reported, so the
// outer mocha run can report them one by one.

export const REQUIRED_PACKAGES = 'dbus gnome-keyring libsecret-tools'
const COMMANDS = ['dbus-run-session', 'dbus-daemon', 'gnome-keyring-daemon', 'secret-tool']

const root = join(import.meta.dirname, '..', '..', '..', '..')
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js')

export interface InnerResult {
  title: string
  fullTitle: string
  passed: boolean
  /** Declared without a body: reported as pending, not as passed. */
  pending?: boolean
  error?: string
}

export interface SessionRun {
  results: InnerResult[]
  /** Set when the run itself failed (missing tools, crash, no report). */
  failure?: string
}

/** Commands the sessions need that are not on PATH. */
export function missingCommands(): string[] {
  return COMMANDS.filter((command) => spawnSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'}).status !== 0)
}

// A session bus that activates nothing: no Secret Service can appear on it unless the session starts
// one, and gnome-keyring cannot reach a system prompter, so anything that would ask one fails at once
// instead of waiting for a dialog nobody can answer.
export const BARE_BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <!-- The standard session bus's limits: dbus-daemon's built-in defaults allow too few connections per user. -->
  <limit name="max_incoming_bytes">1000000000</limit>
  <limit name="max_outgoing_bytes">1000000000</limit>
  <limit name="max_message_size">1000000000</limit>
  <limit name="max_completed_connections">100000</limit>
  <limit name="max_incomplete_connections">10000</limit>
  <limit name="max_connections_per_user">100000</limit>
  <limit name="max_names_per_connection">50000</limit>
  <limit name="max_match_rules_per_connection">50000</limit>
  <limit name="max_replies_per_connection">50000</limit>
</busconfig>
`

// The daemon reads its login password on stdin; HOME and XDG_RUNTIME_DIR are fresh so no
// keyring of the machine's user is touched or reused. The tests start once the daemon owns its
// bus name (the bus activates nothing, so an early call would find no service).
const WITH_KEYRING = `
printf '%s' "$VAULT_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null || exit 97
${waitForBusName('org.freedesktop.secrets')}
"$@"
`

/** A shell loop that returns once `name` has an owner on the session bus (exit 98 after a minute). */
export function waitForBusName(name: string): string {
  return `tries=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:${name} 2>/dev/null | grep -q 'boolean true'; do
  tries=$((tries + 1)); [ $tries -ge 600 ] && exit 98; sleep 0.1
done`
}

export interface SessionOptions {
  specs: string[]
  /** Start gnome-keyring-daemon in the session (otherwise the bus has no Secret Service). */
  keyring: boolean
  timeoutMs?: number
}

export async function runInSession(options: SessionOptions): Promise<SessionRun> {
  const missing = missingCommands()
  if (missing.length > 0) {
    return {
      results: [],
      failure: `missing ${missing.join(', ')}: install the Debian packages ${REQUIRED_PACKAGES} (apt-get install -y --no-install-recommends ${REQUIRED_PACKAGES})`,
    }
  }
  const scratch = await mkdtemp(join(tmpdir(), 'vault-keyring-session-'))
  try {
    const home = join(scratch, 'home')
    const runtime = join(scratch, 'runtime')
    await Promise.all([mkdirPrivate(home), mkdirPrivate(runtime)])
    const report = join(scratch, 'report.json')
    const config = join(scratch, 'bus.conf')
    await writeFile(config, BARE_BUS_CONFIG)
    const sessionArgs = [`--config-file=${config}`]
    const inner = [
      process.execPath,
      mocha,
      '--no-config',
      '--extension',
      'ts',
      '--timeout',
      '30000',
      '--exit',
      '--reporter',
      'json',
      '--reporter-option',
      `output=${report}`,
      ...options.specs,
    ]
    const command = options.keyring ? ['bash', '-c', WITH_KEYRING, 'session', ...inner] : inner
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_RUNTIME_DIR: runtime,
      LANG: 'C.UTF-8',
      VAULT_TEST_KEYRING_PASSWORD: 'vault test keyring password',
    }
    const {status, output} = await run('dbus-run-session', [...sessionArgs, '--', ...command], env, options.timeoutMs ?? 300_000)
    const text = await readFile(report, 'utf8').catch(() => undefined)
    if (text === undefined) return {results: [], failure: `the session run left no report (exit ${status}):\n${output}`}
    const results = parseReport(text)
    if (results.length === 0) return {results, failure: `the session ran no test (exit ${status}):\n${output}`}
    return {results}
  } finally {
    await rm(scratch, {recursive: true, force: true})
  }
}

async function mkdirPrivate(path: string): Promise<void> {
  const {mkdir} = await import('node:fs/promises')
  await mkdir(path, {mode: 0o700})
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{status: number | null; output: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {env, stdio: ['ignore', 'pipe', 'pipe'], detached: true})
    let output = ''
    const collect = (chunk: Buffer) => {
      output += chunk.toString()
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs} ms)`
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({status, output})
    })
  })
}

interface MochaJsonTest {
  title: string
  fullTitle: string
  err?: {message?: string; stack?: string}
}

function parseReport(text: string): InnerResult[] {
  const report = JSON.parse(text) as {tests: MochaJsonTest[]; failures: MochaJsonTest[]; pending: MochaJsonTest[]}
  const failed = new Map(report.failures.map((test) => [test.fullTitle, test]))
  const pending = new Set(report.pending.map((test) => test.fullTitle))
  const results: InnerResult[] = report.tests.map((test) => {
    const failure = failed.get(test.fullTitle)
    failed.delete(test.fullTitle)
    if (pending.has(test.fullTitle)) return {title: test.title, fullTitle: test.fullTitle, passed: false, pending: true}
    return failure === undefined
      ? {title: test.title, fullTitle: test.fullTitle, passed: true}
      : {title: test.title, fullTitle: test.fullTitle, passed: false, error: failure.err?.stack ?? failure.err?.message ?? 'failed'}
  })
  // Failed hooks are failures without a test of their own.
  for (const hook of failed.values()) {
    results.push({title: hook.title, fullTitle: hook.fullTitle, passed: false, error: hook.err?.stack ?? hook.err?.message ?? 'failed'})
  }
  return results
}
