import {expect} from 'chai'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {repoRoot, runNode, vaultBin, watchModules, type RunResult} from '../helpers/cli.ts'
import type {Emulator} from '../helpers/emulator.ts'
import {ChainWorld} from './chain-helpers.ts'

// Runs only the start path, as bin/main.js loads it (one module, dist/lib/start/bundle.js), and says on stderr whether it answered.
const probe = `
const {execJsonFromCache} = await import(${JSON.stringify(join(repoRoot, 'dist', 'lib', 'start', 'bundle.js'))})
const answered = await execJsonFromCache(${JSON.stringify(repoRoot)}, process.argv.slice(1))
process.stderr.write('answered=' + answered)
`

function mfaScript(dir: string): string {
  const script = join(dir, 'mfa.sh')
  writeFileSync(script, `#!/bin/sh\necho asked >> '${dir}/asked'\ncat '${dir}/code'\n`, {mode: 0o700})
  return script
}

describe('vault exec <profile> --json answered before oclif loads (built binary)', function () {
  this.timeout(60_000)
  let world: ChainWorld
  let dir: string

  const config = (script: string) => (aws: Emulator) =>
    `
[profile alice]
region = eu-west-1
mfa_serial = ${aws.user('alice').mfaSerial}
mfa_process = ${script}

[profile admin]
region = eu-west-1
source_profile = alice
role_arn = ${aws.role('admin').arn}
mfa_serial = ${aws.user('alice').mfaSerial}
mfa_process = ${script}
`

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vault-start-'))
    world = await ChainWorld.start({roles: [{name: 'admin'}], users: [{mfa: true, name: 'alice'}]}, config(mfaScript(dir)), ['alice'])
    writeFileSync(join(dir, 'code'), `${world.aws.totp(world.serial('alice'))}\n`)
  })

  afterEach(async () => {
    await world.stop()
    rmSync(dir, {force: true, recursive: true})
  })

  const asked = () => (existsSync(join(dir, 'asked')) ? readFileSync(join(dir, 'asked'), 'utf8').trim().split('\n').length : 0)

  function runProbe(argv: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
    return runNode(['--input-type=module', '-e', probe, ...argv], {
      cwd: world.sandbox.home,
      env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url, ...env}),
    })
  }

  it('answers a live cached session with exactly what the full command prints, without loading oclif', async () => {
    const first = await world.credentials('alice')
    const probed = await runProbe(['exec', 'alice', '--json'])
    expect(probed.stderr).to.equal('answered=true')
    // `exec --json alice` is the same command to oclif, but not the form the start path takes.
    const full = await world.run(['exec', '--json', 'alice'])
    expect(full.code, full.stderr).to.equal(0)
    expect(probed.stdout).to.equal(full.stdout)
    expect(JSON.parse(probed.stdout)).to.deep.equal(first)
    const watched = await runNode(['--import', watchModules, vaultBin, 'exec', 'alice', '--json'], {
      cwd: world.sandbox.home,
      env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url}),
    })
    expect(watched.code, watched.stderr).to.equal(0)
    expect(watched.stdout).to.equal(full.stdout)
    // argv.js, the bundle and the host's own hook file: the start path is one module.
    expect(watched.stderr).to.equal('oclif-modules=0 vault-modules=3')
    expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['GetSessionToken'])
    expect(asked()).to.equal(1)
  })

  it("answers aws-vault's global flags before the command too, still without loading oclif", async () => {
    const first = await world.credentials('alice')
    const argv = ['--backend', 'file', `--file-dir=${world.sandbox.keysDir}`, 'exec', 'alice', '--json']
    const watched = await runNode(['--import', watchModules, vaultBin, ...argv], {
      cwd: world.sandbox.home,
      env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url, AWS_VAULT_BACKEND: 'no-such-backend', AWS_VAULT_FILE_DIR: undefined}),
    })
    expect(watched.code, watched.stderr).to.equal(0)
    expect(watched.stderr).to.equal('oclif-modules=0 vault-modules=3')
    expect(JSON.parse(watched.stdout)).to.deep.equal(first)
    expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['GetSessionToken'])
  })

  it('answers --no-session, a cached role session and export --format json with what the full command prints, without oclif', async () => {
    await world.credentials('alice')
    writeFileSync(join(dir, 'code'), `${world.freshCode('alice')}\n`)
    await world.credentials('admin')
    const calls = world.stsCalls().map((call) => call.action)
    expect(calls).to.include('AssumeRole')
    // Each form the start path takes, and the same command in a form it leaves to oclif.
    for (const [taken, full] of [
      [
        ['exec', 'alice', '--no-session', '--json'],
        ['exec', '--no-session', 'alice', '--json'],
      ],
      [
        ['exec', 'admin', '-j'],
        ['exec', '--json', 'admin'],
      ],
      [
        ['export', 'alice', '--format', 'json'],
        ['export', '--format', 'json', 'alice'],
      ],
      [
        ['export', 'admin', '-n', '--format=json'],
        ['export', '-n', '--format=json', 'admin'],
      ],
    ] as const) {
      const probed = await runProbe([...taken])
      expect(probed.stderr, taken.join(' ')).to.equal('answered=true')
      const fullResult = await world.run([...full])
      expect(fullResult.code, fullResult.stderr).to.equal(0)
      expect(probed.stdout, taken.join(' ')).to.equal(fullResult.stdout)
      const watched = await runNode(['--import', watchModules, vaultBin, ...taken], {
        cwd: world.sandbox.home,
        env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url}),
      })
      expect(watched.code, watched.stderr).to.equal(0)
      expect(watched.stdout, taken.join(' ')).to.equal(fullResult.stdout)
      expect(watched.stderr, taken.join(' ')).to.equal('oclif-modules=0 vault-modules=3')
    }
    const noSession = JSON.parse((await runProbe(['exec', 'alice', '-n', '--json'])).stdout) as {AccessKeyId: string}
    expect(noSession.AccessKeyId).to.equal(world.aws.credentials('alice').accessKeyId)
    // Nothing new was made: every answer came from the store.
    expect(world.stsCalls().map((call) => call.action)).to.deep.equal(calls)
  })

  it('leaves credentials export refuses to print to the full command, which says why', async () => {
    await world.credentials('alice')
    world.sandbox.writeConfig(readFileSync(world.sandbox.configFile, 'utf8').replace('region = eu-west-1', 'region = eu west 1'))
    const probed = await runProbe(['export', 'alice', '--format', 'json'])
    expect(probed).to.include({stderr: 'answered=false', stdout: ''})
    const full = await world.run(['export', 'alice', '--format', 'json'])
    expect(full.code).to.not.equal(0)
    expect(full.stdout).to.equal('')
    expect(full.stderr).to.match(/region/)
  })

  it('leaves a cold cache to the full command having called nothing and asked nothing', async () => {
    const probed = await runProbe(['exec', 'alice', '--json'])
    expect(probed).to.include({code: 0, stderr: 'answered=false', stdout: ''})
    expect(world.stsCalls()).to.deep.equal([])
    expect(asked()).to.equal(0)
    const watched = await runNode(['--import', watchModules, vaultBin, 'exec', 'alice', '--json'], {
      cwd: world.sandbox.home,
      env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url}),
    })
    expect(watched.code, watched.stderr).to.equal(0)
    expect(watched.stderr).to.match(/oclif-modules=[1-9]/)
    expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['GetSessionToken'])
    expect(asked()).to.equal(1)
  })

  it('leaves a role whose session is not cached to the full command, though the session below it is', async () => {
    await world.credentials('alice')
    world.sandbox.writeConfig(
      `${readFileSync(world.sandbox.configFile, 'utf8')}\n[profile role]\nregion = eu-west-1\nsource_profile = alice\nrole_arn = arn:aws:iam::${world.aws.user('alice').account}:role/none\n`,
    )
    const role = await runProbe(['exec', 'role', '--json'])
    expect(role).to.include({stderr: 'answered=false', stdout: ''})
    expect(world.stsCalls().map((call) => call.action)).to.deep.equal(['GetSessionToken'])
    expect(asked()).to.equal(1)
  })

  it('leaves every other form, and a store it would have to ask a passphrase for, to the full command', async () => {
    await world.credentials('alice')
    for (const argv of [
      ['exec', 'alice'],
      ['exec', '--json', 'alice'],
      ['exec', 'alice', '--json', '--debug'],
      ['exec', 'alice', '--json', '--', 'true'],
      ['export', 'alice', '--json'],
      ['exec', '-j', '--json'],
    ]) {
      const probed = await runProbe(argv)
      expect(probed, argv.join(' ')).to.include({stderr: 'answered=false', stdout: ''})
    }
    expect(await runProbe(['exec', 'alice', '-j'])).to.include({stderr: 'answered=true'})
    for (const env of [
      {AWS_VAULT_FILE_PASSPHRASE: undefined},
      {AWS_VAULT: 'alice'},
      {AWS_VAULT_BACKEND: 'no-such-backend'},
      {AWS_VAULT_PROMPT: 'no-such-prompt'},
      {DEBUG: '*'},
    ]) {
      const probed = await runProbe(['exec', 'alice', '--json'], env)
      expect(probed, JSON.stringify(env)).to.include({stderr: 'answered=false', stdout: ''})
    }
  })

  it('answers with plugins installed by vault plugins install, and leaves linked ones and an unreadable list to oclif', async () => {
    await world.credentials('alice')
    const dataDir = join(world.sandbox.home, '.local', 'share', 'vault')
    const record = (plugins: unknown) =>
      writeFileSync(join(dataDir, 'package.json'), JSON.stringify({oclif: {plugins, schema: 1}, private: true}))
    mkdirSync(dataDir, {recursive: true})
    record([])
    expect(await runProbe(['exec', 'alice', '--json'])).to.include({stderr: 'answered=true'})
    // An installed plugin with a prompt driver of its own: its hook runs on the start path as under oclif.
    installPlugin(dataDir, 'vault-plugin-installed-prompt', {'vault:prompts': './prompts.js'}, PROMPTS_HOOK)
    record([{name: 'vault-plugin-installed-prompt', type: 'user'}])
    const full = await world.run(['exec', '--json', 'alice'])
    expect(full.code, full.stderr).to.equal(0)
    const watched = await runNode(['--import', watchModules, vaultBin, 'exec', 'alice', '--json'], {
      cwd: world.sandbox.home,
      env: world.sandbox.env({AWS_ENDPOINT_URL: world.aws.url}),
    })
    expect(watched.code, watched.stderr).to.equal(0)
    expect(watched.stderr).to.match(/^oclif-modules=0 /)
    expect(watched.stdout).to.equal(full.stdout)
    // One whose hooks run around every command, a plugin recorded but not installed, a linked plugin and
    // a list oclif cannot read: the full command.
    installPlugin(dataDir, 'vault-plugin-init-hook', {init: './prompts.js'}, PROMPTS_HOOK)
    record([{name: 'vault-plugin-init-hook', type: 'user'}])
    expect(await runProbe(['exec', 'alice', '--json'])).to.include({stderr: 'answered=false', stdout: ''})
    record([{name: 'some-plugin', type: 'user'}])
    expect(await runProbe(['exec', 'alice', '--json'])).to.include({stderr: 'answered=false', stdout: ''})
    record([{name: 'linked', root: '/nowhere', type: 'link'}])
    expect(await runProbe(['exec', 'alice', '--json'])).to.include({stderr: 'answered=false', stdout: ''})
    writeFileSync(join(dataDir, 'package.json'), '{"oclif": ')
    expect(await runProbe(['exec', 'alice', '--json'])).to.include({stderr: 'answered=false', stdout: ''})
    // The data directory where oclif looks for it: XDG_DATA_HOME, then VAULT_DATA_DIR.
    const elsewhere = join(world.sandbox.home, 'data')
    mkdirSync(join(elsewhere, 'vault'), {recursive: true})
    writeFileSync(
      join(elsewhere, 'vault', 'package.json'),
      JSON.stringify({oclif: {plugins: [{name: 'linked', root: '/nowhere', type: 'link'}]}}),
    )
    rmSync(dataDir, {force: true, recursive: true})
    expect(await runProbe(['exec', 'alice', '--json'], {XDG_DATA_HOME: elsewhere})).to.include({stderr: 'answered=false'})
    expect(await runProbe(['exec', 'alice', '--json'], {VAULT_DATA_DIR: join(elsewhere, 'vault')})).to.include({stderr: 'answered=false'})
    expect(await runProbe(['exec', 'alice', '--json'])).to.include({stderr: 'answered=true'})
  })
})

// A prompt driver that is never chosen (the profiles name none): the hook's answer, not its use, is tested.
const PROMPTS_HOOK = `export default async function () {
  return [{id: 'installed-prompt', summary: 'An installed prompt driver', isAvailable: () => ({available: true}), create: () => async () => '000000'}]
}
`

/** A plugin as \`vault plugins install\` leaves it in oclif's data directory. */
function installPlugin(dataDir: string, name: string, hooks: Record<string, string>, hook: string): void {
  const root = join(dataDir, 'node_modules', name)
  mkdirSync(root, {recursive: true})
  writeFileSync(join(root, 'package.json'), JSON.stringify({name, version: '1.0.0', type: 'module', oclif: {hooks}}))
  writeFileSync(join(root, 'prompts.js'), hook)
}

describe('vault --version answered before oclif loads (built binary)', function () {
  this.timeout(60_000)

  it("prints oclif's version line byte for byte, without loading oclif, and leaves debug output to oclif", async () => {
    const {Config} = await import('@oclif/core/config')
    const config = await Config.load(repoRoot)
    const home = mkdtempSync(join(tmpdir(), 'vault-version-'))
    try {
      const env = {HOME: home, PATH: process.env.PATH}
      const watched = await runNode(['--import', watchModules, vaultBin, '--version'], {cwd: home, env})
      expect(watched).to.include({code: 0, stdout: `${config.userAgent}\n`})
      expect(watched.stderr).to.match(/^oclif-modules=0 /)
      const full = await runNode(['--import', watchModules, vaultBin, '--version'], {cwd: home, env: {...env, DEBUG: 'nothing-matches'}})
      expect(full).to.include({code: 0, stdout: `${config.userAgent}\n`})
      expect(full.stderr).to.match(/oclif-modules=[1-9]/)
    } finally {
      rmSync(home, {force: true, recursive: true})
    }
  })
})

describe('the start path reads the same plugins and flags as oclif', () => {
  it('runs the vault:* hooks of vault, its bundled plugins and installed ones with the answers oclif gets', async () => {
    const {Config} = await import('@oclif/core/config')
    const {pluginHooks} = await import('../../src/lib/registry/plugin-hooks.ts')
    const {runVaultHook} = await import('../../src/lib/registry/run-hook.ts')
    const home = mkdtempSync(join(tmpdir(), 'vault-start-home-'))
    const saved = {HOME: process.env.HOME, XDG_DATA_HOME: process.env.XDG_DATA_HOME}
    try {
      // The same user plugins for both: one of its own, and one named as a bundled plugin, which it replaces.
      process.env.HOME = home
      process.env.XDG_DATA_HOME = join(home, 'data')
      const dataDir = join(home, 'data', 'vault')
      installPlugin(dataDir, 'vault-plugin-installed-prompt', {'vault:prompts': './prompts.js'}, PROMPTS_HOOK)
      installPlugin(dataDir, '@vault-aws/plugin-prompt-ykman', {'vault:prompts': './prompts.js'}, PROMPTS_HOOK)
      writeFileSync(
        join(dataDir, 'package.json'),
        JSON.stringify({
          oclif: {
            plugins: [
              {name: 'vault-plugin-installed-prompt', type: 'user'},
              {name: '@vault-aws/plugin-prompt-ykman', type: 'user'},
            ],
            schema: 1,
          },
          private: true,
        }),
      )
      const config = await Config.load(repoRoot)
      const bundled = pluginHooks(repoRoot, process.env)
      expect(bundled).to.not.equal(undefined)
      const summary = (answers: Awaited<ReturnType<typeof runVaultHook>>) => ({
        failures: answers.failures.map((failure) => failure.plugin),
        successes: answers.successes.map(({plugin, result}) => ({
          plugin,
          ids: (result as Array<{id: string}>).map((descriptor) => descriptor.id),
        })),
      })
      for (const event of ['vault:backends', 'vault:prompts', 'vault:sources'] as const) {
        const ours = summary(await runVaultHook(bundled!.host, event, 3000))
        expect(ours, event).to.deep.equal(summary(await runVaultHook(config, event, 3000)))
        expect(ours.successes, event).to.not.deep.equal([])
      }
      const declared = [...config.plugins.values()].flatMap((plugin) =>
        Object.entries(plugin.hooks)
          .filter(([, hooks]) => hooks.length > 0)
          .map(([event]) => `${event} ${plugin.name}`),
      )
      const ours = [...bundled!.events].flatMap(([event, plugins]) => plugins.map((plugin) => `${event} ${plugin}`))
      expect(ours.sort()).to.deep.equal(declared.sort())
      expect(ours).to.include('vault:prompts vault-plugin-installed-prompt')
      // The installed copy answers in the bundled plugin's place, typed as oclif types it.
      const prompts = summary(await runVaultHook(bundled!.host, 'vault:prompts', 3000)).successes
      expect(prompts.filter(({plugin}) => plugin.name === '@vault-aws/plugin-prompt-ykman')).to.deep.equal([
        {ids: ['installed-prompt'], plugin: {apiRange: undefined, isRoot: false, name: '@vault-aws/plugin-prompt-ykman', type: 'user'}},
      ])
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
      rmSync(home, {force: true, recursive: true})
    }
  })

  it('runs the full command instead when a hook never settles and holds nothing open', async function () {
    this.timeout(30_000)
    const root = mkdtempSync(join(tmpdir(), 'vault-start-root-'))
    try {
      writeFileSync(
        join(root, 'package.json'),
        JSON.stringify({name: 'hanging-host', type: 'module', oclif: {hooks: {'vault:backends': './hang.js'}}}),
      )
      writeFileSync(join(root, 'hang.js'), 'export default () => new Promise(() => {})\n')
      writeFileSync(join(root, 'config'), '[profile p]\nregion = eu-west-1\n')
      const script = `
const {execJsonFromCache} = await import(${JSON.stringify(join(repoRoot, 'dist', 'lib', 'start', 'exec-json.js'))})
const answered = await execJsonFromCache(${JSON.stringify(root)}, ['exec', 'p', '--json'])
process.stderr.write('answered=' + answered)
`
      const result = await runNode(['--input-type=module', '-e', script], {
        cwd: root,
        env: {AWS_CONFIG_FILE: join(root, 'config'), HOME: root, PATH: process.env.PATH},
      })
      expect(result).to.include({code: 0, stderr: 'answered=false', stdout: ''})
    } finally {
      rmSync(root, {force: true, recursive: true})
    }
  })

  it('takes every global flag that oclif reads from the environment from the same variable', async () => {
    const {VaultCommand} = await import('../../src/lib/base-command.ts')
    const {globalFlagVariables} = await import('../../src/lib/vault-context.ts')
    const fromEnvironment = Object.fromEntries(
      Object.entries(VaultCommand.baseFlags)
        .filter(([, flag]) => 'env' in flag && flag.env)
        .map(([name, flag]) => [name, (flag as {env: string}).env]),
    )
    expect(fromEnvironment).to.deep.equal({...globalFlagVariables})
  })
})
