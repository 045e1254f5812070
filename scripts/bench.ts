// `npm run bench`: wall time of vault's hot paths as ratios against `node -e 0`, measured in the same run.
// Medians of repeated sequential runs; the built CLI, a file store and the project's AWS emulator.
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'

import {generateKey, gpgHome, passCli, passEnv} from '../plugins/backend-pass/test/support.ts'
import {installPassPlugin, SecretServiceSession} from '../test/e2e/backend-helpers.ts'
import {startEmulator} from '../test/helpers/emulator.ts'
import autocannon from 'autocannon'

const root = join(import.meta.dirname, '..')
const vault = join(root, 'bin', 'run.js')
const runs = Number(process.env.BENCH_RUNS ?? 15)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

// A run's CPU time (user + system) and peak resident set come from wait4(2), through a few lines of Python
// that also time the run (so Python's own start is not counted): to the microsecond, where GNU time
// (`/usr/bin/time`, the fallback) reports 10 ms steps, too coarse for runs of a few tens of ms. Without
// either, those columns are left out.
const waitScript = [
  'import os, sys, time',
  'start = time.perf_counter()',
  'pid = os.fork()',
  'if pid == 0:',
  '    os.execvp(sys.argv[1], sys.argv[1:])',
  '_, status, usage = os.wait4(pid, 0)',
  'wall = time.perf_counter() - start',
  "sys.stderr.write('bench-resources=%f %f %d %f\\n' % (usage.ru_utime, usage.ru_stime, usage.ru_maxrss, wall))",
  'sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)',
].join('\n')
// The interpreter itself, not a launcher on PATH that might need the HOME the runs do not have.
const pythonProbe = spawnSync('python3', ['-c', 'import os, sys; os.wait4; os.waitstatus_to_exitcode; print(sys.executable)'], {
  encoding: 'utf8',
})
const python = pythonProbe.status === 0 ? pythonProbe.stdout.trim() || undefined : undefined
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined
const resourcesBy = python ? 'wait4(2), to the microsecond' : gnuTime ? 'GNU time, in 10 ms steps' : undefined

interface Sample {
  /** Wall time, ms. */
  ms: number
  /** User plus system CPU time, ms. */
  cpuMs?: number
  /** Peak resident set, MiB. */
  rssMiB?: number
}

/**
 * Runs a command to completion without blocking this process (the emulator answers from here), its
 * stdout a pipe read to the end, as credential_process and a shell read it; on a loaded machine CPU
 * time moves far less than wall time.
 */
function run(command: string, args: string[], env: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const stdio: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe']
    const child = python
      ? spawn(python, ['-c', waitScript, command, ...args], {env, stdio})
      : gnuTime
        ? spawn(gnuTime, ['-f', 'bench-resources=%U %S %M', command, ...args], {env, stdio})
        : spawn(command, args, {env, stdio})
    let stderr = ''
    child.stdout.resume()
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} failed: ${stderr}`))
        return
      }
      const match = /bench-resources=([\d.]+) ([\d.]+) (\d+)(?: ([\d.]+))?/.exec(stderr)
      if (!match) {
        resolve({ms})
        return
      }
      const wall = match[4] === undefined ? ms : Number(match[4]) * 1000
      resolve({cpuMs: (Number(match[1]) + Number(match[2])) * 1000, ms: wall, rssMiB: Number(match[3]) / 1024})
    })
  })
}

interface Timing {
  ms: number
  cpuMs: number | undefined
  rssMiB: number | undefined
  /** `node -e 0` in the same runs. */
  baseline: Sample
}

function medianOf(samples: Sample[], key: 'ms' | 'cpuMs' | 'rssMiB'): number | undefined {
  const values = samples.map((sample) => sample[key]).filter((value) => value !== undefined)
  return values.length > 0 ? median(values) : undefined
}

/**
 * Medians of `runs` runs after a discarded warm-up, each run next to one of `node -e 0`: on a shared
 * machine the load then weighs on both sides of the ratio alike.
 */
async function time(command: string, args: string[], env: Record<string, string>): Promise<Timing> {
  const samples: Sample[] = []
  const baselines: Sample[] = []
  for (let i = 0; i < runs + 1; i++) {
    const baseline = await run(process.execPath, ['-e', '0'], env)
    const sample = await run(command, args, env)
    // The first run warms caches and is discarded.
    if (i > 0) {
      samples.push(sample)
      baselines.push(baseline)
    }
  }
  return {
    baseline: {ms: medianOf(baselines, 'ms')!, cpuMs: medianOf(baselines, 'cpuMs'), rssMiB: medianOf(baselines, 'rssMiB')},
    cpuMs: medianOf(samples, 'cpuMs'),
    ms: medianOf(samples, 'ms')!,
    rssMiB: medianOf(samples, 'rssMiB'),
  }
}

function profiles(count: number, role: string): string {
  const lines = ['[profile hot]', 'region = eu-west-1', '', role]
  for (let i = 0; i < count - 1; i++) {
    lines.push(
      `[profile org-${i}]`,
      `sso_start_url = https://example.awsapps.com/start`,
      `sso_region = us-east-1`,
      `sso_account_id = ${String(100000000000 + i)}`,
      'sso_role_name = Admin',
      'region = us-east-1',
      '',
    )
  }
  return lines.join('\n')
}

/** A server process that prints one line (its URL, or the child's environment) when ready. */
async function startServerProcess(command: string, args: string[], env: Record<string, string>, ready: RegExp, input?: string) {
  const child = spawn(command, args, {env, stdio: ['pipe', 'pipe', 'inherit']})
  if (input !== undefined) child.stdin.end(input)
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`${command} ended (${code}) before it was ready`)))
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (ready.test(output)) resolve()
    })
  })
  return {child, output}
}

interface LoadResult {
  requestsPerSecond: number
  p99: number
  failed: number
  /** CPU time the server process spent per request, where /proc tells it. */
  cpuMicroseconds?: number
}

/** User plus system CPU seconds of a process (Linux), or undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // clock ticks of USER_HZ = 100
  } catch {
    return undefined
  }
}

/** autocannon on loopback: 10 connections for a few seconds. */
async function load(url: string, headers: Record<string, string>, seconds: number, serverPid: number | undefined): Promise<LoadResult> {
  const cpuBefore = cpuSeconds(serverPid)
  const result = await autocannon({connections: 10, duration: seconds, headers, url})
  const cpuAfter = cpuSeconds(serverPid)
  return {
    failed: result.errors + result.non2xx,
    p99: result.latency.p99,
    requestsPerSecond: result.requests.average,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? {cpuMicroseconds: ((cpuAfter - cpuBefore) * 1e6) / result.requests.total} : {}),
  }
}

/**
 * Both servers in turns after a warm-up, medians per server: on a shared machine the load
 * from elsewhere then weighs on both alike.
 */
async function compareUnderLoad(
  bare: () => Promise<LoadResult>,
  ecs: () => Promise<LoadResult>,
  rounds: number,
): Promise<[LoadResult, LoadResult]> {
  await bare()
  await ecs()
  const bareResults: LoadResult[] = []
  const ecsResults: LoadResult[] = []
  for (let round = 0; round < rounds; round++) {
    bareResults.push(await bare())
    ecsResults.push(await ecs())
  }
  const summary = (results: LoadResult[]): LoadResult => {
    const cpu = results.map((result) => result.cpuMicroseconds).filter((value) => value !== undefined)
    return {
      failed: results.reduce((sum, result) => sum + result.failed, 0),
      p99: median(results.map((result) => result.p99)),
      requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
      ...(cpu.length > 0 ? {cpuMicroseconds: median(cpu)} : {}),
    }
  }
  return [summary(bareResults), summary(ecsResults)]
}

/**
 * `vault exec --ecs-server` under load next to a bare node:http server answering the same JSON
 * (each in its own process, measured in this run), and the STS calls made meanwhile.
 */
async function ecsServerLoad(env: Record<string, string>): Promise<string[]> {
  const served = await startServerProcess(
    process.execPath,
    [vault, 'exec', 'hot', '--ecs-server', '--', 'sh', '-c', 'env; echo --ready--; read line'],
    env,
    /--ready--/,
  )
  const childEnv = Object.fromEntries(
    served.output
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  )
  const url = childEnv.AWS_CONTAINER_CREDENTIALS_FULL_URI!
  const headers = {authorization: childEnv.AWS_CONTAINER_AUTHORIZATION_TOKEN!}
  const body = await (await fetch(url, {headers})).text()
  // The same document from a server doing nothing else; the body travels on stdin, never in argv.
  const bareProgram = `let body = ''; process.stdin.on('data', (c) => body += c).on('end', () => {
    const server = require('node:http').createServer((q, s) => { s.writeHead(200, {'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body)}); s.end(body) })
    server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port))
  })`
  const bare = await startServerProcess(process.execPath, ['-e', bareProgram], {PATH: env.PATH!}, /\n/, body)
  try {
    const stsBefore = emulator.calls.filter((call) => call.service === 'sts').length
    const loadBefore = loadavg()
    const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 3)
    const rounds = Number(process.env.BENCH_LOAD_ROUNDS ?? 5)
    const [bareResult, ecsResult] = await compareUnderLoad(
      () => load(bare.output.trim(), {}, seconds, bare.child.pid),
      () => load(url, headers, seconds, served.child.pid),
      rounds,
    )
    const stsCalls = emulator.calls.filter((call) => call.service === 'sts').length - stsBefore
    const cpu = (result: LoadResult) => (result.cpuMicroseconds === undefined ? 'n/a' : result.cpuMicroseconds.toFixed(1))
    const row = (label: string, result: LoadResult) =>
      `| ${label} | ${result.requestsPerSecond.toFixed(0)} | ${(result.requestsPerSecond / bareResult.requestsPerSecond).toFixed(2)} | ${result.p99.toFixed(2)} | ${cpu(result)} | ${result.failed} |`
    return [
      '',
      `ECS credential server under autocannon (10 connections, loopback, medians of ${rounds} alternating ${seconds} s rounds, load average ${loadBefore.map((value) => value.toFixed(2)).join(' ')} before); STS calls during the load: ${stsCalls}.`,
      '',
      '| server | requests/s | × bare | p99 ms | server CPU µs/request | failed |',
      '|---|---:|---:|---:|---:|---:|',
      row('bare node:http, same JSON', bareResult),
      row('vault exec --ecs-server', ecsResult),
    ]
  } finally {
    bare.child.kill()
    served.child.stdin.end('0\n')
    await new Promise((resolve) => served.child.once('close', resolve))
  }
}

/** Runs a command to completion and keeps its stdout. */
function capture(command: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} failed: ${stderr}`))))
  })
}

/**
 * `BENCH_CROWD` (100) `vault exec crowd --json` started at once for one MFA profile on a cold
 * cache, against an emulator and a store of their own: wall time until the last one ends, the STS
 * calls they made, how often mfa_process was run, and how many sessions they handed out.
 */
async function coldCrowd(): Promise<string[]> {
  const size = Number(process.env.BENCH_CROWD ?? 100)
  const aws = await startEmulator({users: [{mfa: true, name: 'crowd'}]})
  const dir = mkdtempSync(join(tmpdir(), 'vault-bench-crowd-'))
  try {
    // The crowd may take longer than an MFA code's 30 s on a loaded machine: the code must stay valid.
    aws.freeze()
    const serial = aws.user('crowd').mfaSerial!
    const asked = join(dir, 'asked')
    const script = join(dir, 'mfa.sh')
    writeFileSync(script, `#!/bin/sh\necho asked >> '${asked}'\ncat '${join(dir, 'code')}'\n`, {mode: 0o700})
    writeFileSync(join(dir, 'code'), `${aws.totp(serial)}\n`)
    writeFileSync(join(dir, 'config'), `[profile crowd]\nregion = eu-west-1\nmfa_serial = ${serial}\nmfa_process = ${script}\n`)
    const env: Record<string, string> = {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_ENDPOINT_URL_STS: aws.url,
      AWS_VAULT_BACKEND: 'file',
      AWS_VAULT_FILE_DIR: join(dir, 'keys'),
      AWS_VAULT_FILE_PASSPHRASE: 'bench',
      HOME: dir,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      // The figure is how many calls the crowd makes, not how fast: on a loaded machine the one call
      // competes with 100 starting processes for the CPU, and must not time out meanwhile.
      VAULT_AWS_TIMEOUT_MS: '120000',
    }
    const key = aws.credentials('crowd')
    await run(process.execPath, [vault, 'add', 'crowd', '--env', '--no-add-config'], {
      ...env,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    })
    const stsBefore = aws.calls.filter((call) => call.service === 'sts').length
    const start = process.hrtime.bigint()
    const outputs = await Promise.all(Array.from({length: size}, () => capture(process.execPath, [vault, 'exec', 'crowd', '--json'], env)))
    const wall = Number(process.hrtime.bigint() - start) / 1e6
    const stsCalls = aws.calls.filter((call) => call.service === 'sts').length - stsBefore
    const prompts = existsSync(asked) ? readFileSync(asked, 'utf8').trim().split('\n').length : 0
    const sessions = new Set(outputs.map((output) => (JSON.parse(output) as {AccessKeyId: string}).AccessKeyId)).size
    return [
      '',
      `${size} simultaneous cold \`vault exec crowd --json\` (MFA profile with mfa_process, file store, emulator); load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')} after them.`,
      '',
      '| figure | value | goal |',
      '|---|---:|---:|',
      `| wall time until all ${size} ended | ${wall.toFixed(0)} ms | |`,
      `| wall time per process | ${(wall / size).toFixed(1)} ms | |`,
      `| STS calls | ${stsCalls} | 1 |`,
      `| MFA prompts (mfa_process runs) | ${prompts} | 1 |`,
      `| distinct sessions handed out | ${sessions} | 1 |`,
    ]
  } finally {
    await aws.stop()
    rmSync(dir, {force: true, recursive: true})
  }
}

/**
 * aws-vault itself, as a peer on the same store, when `BENCH_AWS_VAULT` names its binary (or an
 * `.xz` of it) or `../shared/reference/` beside the checkout holds one.
 */
function awsVaultBinary(dir: string): string | undefined {
  const candidate = process.env.BENCH_AWS_VAULT ?? join(root, '..', 'shared', 'reference', 'aws-vault-v7.2.0-linux-amd64.xz')
  if (!existsSync(candidate)) return undefined
  if (!candidate.endsWith('.xz')) return candidate
  const binary = join(dir, 'aws-vault')
  writeFileSync(binary, execFileSync('xz', ['-dc', candidate], {maxBuffer: 256 * 1024 * 1024}), {mode: 0o755})
  return binary
}

const emulator = await startEmulator({roles: [{name: 'bench-role'}], users: [{mfa: true, name: 'bench'}]})
const home = mkdtempSync(join(tmpdir(), 'vault-bench-'))
try {
  const key = emulator.credentials('bench')
  const serial = emulator.user('bench').mfaSerial!
  const mfaScript = join(home, 'mfa.sh')
  writeFileSync(mfaScript, `#!/bin/sh\ncat '${join(home, 'code')}'\n`, {mode: 0o700})
  writeFileSync(join(home, 'code'), `${emulator.totp(serial)}\n`)
  const role = [
    '[profile hot-role]',
    'source_profile = hot',
    `role_arn = ${emulator.role('bench-role').arn}`,
    `mfa_serial = ${serial}`,
    `mfa_process = ${mfaScript}`,
    'region = eu-west-1',
    '',
  ].join('\n')
  const configFile = join(home, '.aws', 'config')
  mkdirSync(join(home, '.aws'), {recursive: true})
  writeFileSync(configFile, profiles(10, role))
  const env: Record<string, string> = {
    AWS_CONFIG_FILE: configFile,
    AWS_ENDPOINT_URL_STS: emulator.url,
    AWS_VAULT_BACKEND: 'file',
    AWS_VAULT_FILE_DIR: join(home, 'keys'),
    AWS_VAULT_FILE_PASSPHRASE: 'bench',
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  }
  await run(process.execPath, [vault, 'add', 'hot', '--env', '--no-add-config'], {
    ...env,
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
  })
  // One real GetSessionToken and one AssumeRole: every measured `exec` after this reuses the cached sessions.
  await run(process.execPath, [vault, 'exec', 'hot', '--json'], env)
  await run(process.execPath, [vault, 'exec', 'hot-role', '--json'], env)

  const loadAtStart = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')
  const node = process.execPath
  const rows: [string, Timing | string][] = []
  // A variable given as undefined is left out of that row's environment.
  const measure = async (label: string, command: string, args: string[], extraEnv: Record<string, string | undefined> = {}) => {
    try {
      const merged = Object.entries({...env, ...extraEnv}).filter((entry): entry is [string, string] => entry[1] !== undefined)
      const timing = await time(command, args, Object.fromEntries(merged))
      rows.push([label, timing])
      process.stderr.write(`${label}: ${timing.ms.toFixed(1)} ms, ${(timing.ms / timing.baseline.ms).toFixed(2)}× node -e 0\n`)
    } catch (error) {
      // A peer that cannot run here is reported, not fatal.
      rows.push([label, error instanceof Error ? error.message.split('\n')[0]! : String(error)])
    }
  }
  await measure('node -e 0', node, ['-e', '0'])
  await measure('vault --version', node, [vault, '--version'])
  await measure('vault list', node, [vault, 'list'])
  await measure('vault exec hot --json (cached session)', node, [vault, 'exec', 'hot', '--json'])
  await measure('vault exec hot-role --json (cached role session)', node, [vault, 'exec', 'hot-role', '--json'])
  await measure('vault exec hot --no-session --json (stored keys)', node, [vault, 'exec', 'hot', '--no-session', '--json'])
  await measure('vault export hot --format json (cached session)', node, [vault, 'export', 'hot', '--format', 'json'])
  // The same command in a form the start path leaves to oclif: what it saves.
  await measure('vault exec --json hot (cached session, through oclif)', node, [vault, 'exec', '--json', 'hot'])
  // No backend named: each backend's availability is checked by priority (the OS keyring's over D-Bus) before `file`.
  await measure('vault exec hot --json, no AWS_VAULT_BACKEND', node, [vault, 'exec', 'hot', '--json'], {AWS_VAULT_BACKEND: ''})
  await measure('vault exec hot -- true (cached session)', node, [vault, 'exec', 'hot', '--', 'true'])
  // A Tab in a shell with vault's completion: what bash sends for `vault exec --ecs-server h<Tab>`, answered
  // from the model kept between Tabs, and answered by building the model again (the first Tab after a change).
  await run(node, [vault, 'autocomplete', '--refresh-cache'], env)
  const completionModel = join(home, '.cache', 'vault', 'autocomplete', 'completion-model.json')
  const tab = (cache: string[]) => [vault, '__complete', 'bash', ...cache, '--word=h', '--', 'vault exec --ecs-server h']
  await measure('vault __complete (a Tab, kept model)', node, tab([`--cache=${completionModel}`]))
  await measure('vault __complete (a Tab, model built again)', node, tab([]))
  // The passphrase kept by `vault unlock` instead of the variable: what finding it in the kernel keyring costs.
  if (existsSync('/usr/bin/keyctl') || existsSync('/bin/keyctl')) {
    await run(node, [vault, 'unlock', '--for', '30m'], env).catch(() => undefined)
    await measure('vault exec hot --json (cached session, file store unlocked)', node, [vault, 'exec', 'hot', '--json'], {
      AWS_VAULT_FILE_PASSPHRASE: undefined,
    })
    await run(node, [vault, 'lock'], env).catch(() => undefined)
  }
  // The OS keyring on Linux: an unlocked gnome-keyring-daemon on a private session bus, as on a desktop.
  const hasKeyring = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool'].every(
    (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0,
  )
  const keyringSession = hasKeyring ? await SecretServiceSession.start(home) : undefined
  const keyringEnv = {...keyringSession?.env, AWS_VAULT_BACKEND: 'keyring'}
  if (keyringSession) {
    await keyringSession.createCollection('awsvault')
    await run(node, [vault, 'add', 'hot', '--env', '--no-add-config'], {
      ...env,
      ...keyringEnv,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    })
    await run(node, [vault, 'exec', 'hot', '--json'], {...env, ...keyringEnv})
    await measure('vault exec hot --json (cached session, Secret Service)', node, [vault, 'exec', 'hot', '--json'], keyringEnv)
    await measure(
      'vault exec hot --no-session --json (stored keys, Secret Service)',
      node,
      [vault, 'exec', 'hot', '-n', '--json'],
      keyringEnv,
    )
    await measure('vault exec --json hot (Secret Service, through oclif)', node, [vault, 'exec', '--json', 'hot'], keyringEnv)
    await measure('vault exec hot --json, no AWS_VAULT_BACKEND (Secret Service chosen)', node, [vault, 'exec', 'hot', '--json'], {
      ...keyringEnv,
      AWS_VAULT_BACKEND: '',
    })
  }
  const awsVault = awsVaultBinary(home)
  if (awsVault && keyringSession) {
    const secretService = {...keyringEnv, AWS_VAULT_BACKEND: 'secret-service'}
    await measure('peer: aws-vault exec hot --json (cached session, Secret Service)', awsVault, ['exec', 'hot', '--json'], secretService)
  }
  await keyringSession?.stop()
  // pass, installed as a plugin (in a data home of its own, so no other row loads it), with gpg-agent
  // holding the key: a key without a passphrase stands for one unlocked earlier.
  const hasPass = ['pass', 'gpg'].every((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0)
  const gnupg = hasPass ? await gpgHome(home, 'gnupg-bench') : undefined
  if (gnupg) {
    const dataHome = join(home, 'pass-data')
    installPassPlugin(dataHome)
    const store = join(home, 'password-store')
    await generateKey(gnupg.path, 'bench@example.invalid')
    await passCli(passEnv(home, gnupg.path, {PASSWORD_STORE_DIR: store}), ['init', 'bench@example.invalid'])
    const passSettings = {GNUPGHOME: gnupg.path, AWS_VAULT_PASS_PASSWORD_STORE_DIR: store, AWS_VAULT_BACKEND: 'pass'}
    const vaultPass = {...passSettings, XDG_DATA_HOME: dataHome}
    await run(node, [vault, 'add', 'hot', '--env', '--no-add-config'], {
      ...env,
      ...vaultPass,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    })
    await run(node, [vault, 'exec', 'hot', '--json'], {...env, ...vaultPass})
    await measure('vault exec hot --json (cached session, pass)', node, [vault, 'exec', 'hot', '--json'], vaultPass)
    await measure('vault exec hot --no-session --json (stored keys, pass)', node, [vault, 'exec', 'hot', '-n', '--json'], vaultPass)
    await measure('vault exec --json hot (pass, through oclif)', node, [vault, 'exec', '--json', 'hot'], vaultPass)
    if (awsVault) await measure('peer: aws-vault exec hot --json (cached session, pass)', awsVault, ['exec', 'hot', '--json'], passSettings)
    await gnupg.kill()
  }
  if (awsVault) {
    // Without a session bus aws-vault would start (and leave behind) a dbus-daemon on every run.
    const noBus = {DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(home, 'no-bus')}`}
    await measure('peer: aws-vault exec hot --json (cached session)', awsVault, ['exec', 'hot', '--json'], noBus)
    await measure('peer: aws-vault exec hot-role --json (cached role session)', awsVault, ['exec', 'hot-role', '--json'], noBus)
    await measure('peer: aws-vault exec hot --no-session --json', awsVault, ['exec', 'hot', '--no-session', '--json'], noBus)
    await measure('peer: aws-vault export hot --format json', awsVault, ['export', 'hot', '--format', 'json'], noBus)
    await measure('peer: aws-vault --version', awsVault, ['--version'], noBus)
    await measure('peer: aws-vault list', awsVault, ['list'], noBus)
  }
  if (existsSync('/usr/bin/aws') && process.env.BENCH_QUICK !== '1') {
    const credentialsFile = join(home, '.aws', 'credentials')
    writeFileSync(credentialsFile, `[hot]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`)
    await measure(
      'peer: aws configure export-credentials --profile hot',
      '/usr/bin/aws',
      ['configure', 'export-credentials', '--profile', 'hot'],
      {AWS_SHARED_CREDENTIALS_FILE: credentialsFile},
    )
  }
  // BENCH_QUICK=1: the start-up rows only; BENCH_SCALE=0: without the config scale rows.
  const quick = process.env.BENCH_QUICK === '1'
  for (const count of quick || process.env.BENCH_SCALE === '0' ? [] : [10, 1000, 10000]) {
    writeFileSync(configFile, profiles(count, role))
    await measure(`vault list, ${count} profiles`, node, [vault, 'list'])
    await measure(`vault exec hot --json, ${count} profiles`, node, [vault, 'exec', 'hot', '--json'])
    await measure(`vault __complete (a Tab on profile names), ${count} profiles`, node, tab([`--cache=${completionModel}`]))
  }

  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')
  const mib = (timing: Timing) => (timing.rssMiB === undefined ? 'n/a' : timing.rssMiB.toFixed(1))
  const cpu = (timing: Timing) =>
    timing.cpuMs === undefined || !timing.baseline.cpuMs
      ? 'n/a | n/a'
      : `${timing.cpuMs.toFixed(0)} | ${(timing.cpuMs / timing.baseline.cpuMs).toFixed(2)}`
  const lines = [
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, medians of ${runs} runs after one warm-up, each run next to one of \`node -e 0\`; load average ${loadAtStart} at the start, ${load} at the end. CPU time is user + system${resourcesBy ? `, from ${resourcesBy}` : ''}.`,
    '',
    '| what | wall ms | node -e 0 beside it, ms | × node -e 0 | CPU ms | CPU × node -e 0 | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(([label, timing]) =>
      typeof timing === 'string'
        ? `| ${label} | failed: ${timing} | | | | | |`
        : `| ${label} | ${timing.ms.toFixed(1)} | ${timing.baseline.ms.toFixed(1)} | ${(timing.ms / timing.baseline.ms).toFixed(2)} | ${cpu(timing)} | ${mib(timing)} |`,
    ),
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  if (!quick) {
    process.stdout.write(`${(await coldCrowd()).join('\n')}\n`)
    process.stdout.write(`${(await ecsServerLoad(env)).join('\n')}\n`)
  }
} finally {
  await emulator.stop()
  rmSync(home, {force: true, recursive: true})
}
