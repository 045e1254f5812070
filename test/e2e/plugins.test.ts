// Plugins installed the way users install them: published to a real npm registry (verdaccio
// on loopback), then `vault plugins install` with the registry pointed at it and every oclif
// directory in a throwaway HOME.
import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {MARKER} from '../../src/lib/completion/index.ts'
import {type PassFixture, passCli, passFixture} from '../../plugins/backend-pass/test/support.ts'
import {fakeAccessKey, repoRoot, type RunResult, runNode, Sandbox, vaultBin, watchModules} from '../helpers/cli.ts'
import {type Registry, startRegistry} from '../helpers/verdaccio.ts'

const orgPlugin = join(repoRoot, 'test', 'fixtures', 'org-plugin')
const ORG_PLUGIN = '@acme-internal/vault-plugin-broker'
const BROKEN_PLUGIN = '@acme-internal/vault-plugin-broken'

interface BackendRow {
  id: string
  plugin: string
}

interface PromptRow {
  id: string
  plugin: string
}

/** The credential broker an organisation runs, on loopback: it hands out fixed credentials to one token. */
class Broker {
  readonly token = `broker-token-${Math.random().toString(36).slice(2)}`
  readonly credentials = {
    accessKeyId: 'ASIABROKERISSUED0001',
    expiration: new Date(Date.now() + 3600_000).toISOString(),
    secretAccessKey: `broker-secret-${Math.random().toString(36).slice(2)}`,
    sessionToken: `broker-session-${Math.random().toString(36).slice(2)}`,
  }

  readonly requests: Array<{url: string; authorization: string | undefined}> = []
  private server: Server | undefined

  async start(): Promise<string> {
    this.server = createServer((request: IncomingMessage, response) => {
      this.requests.push({authorization: request.headers.authorization, url: request.url ?? ''})
      const url = new URL(request.url ?? '/', 'http://broker')
      if (url.pathname !== '/credentials' || request.headers.authorization !== `Bearer ${this.token}`) {
        response.writeHead(403).end()
        return
      }
      response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(this.credentials))
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}

/** A plugin whose author got it wrong twice: a hook module that throws on load and a malformed descriptor. */
async function writeBrokenPlugin(dir: string): Promise<void> {
  await mkdir(join(dir, 'hooks'), {recursive: true})
  const manifest = {
    files: ['hooks'],
    name: BROKEN_PLUGIN,
    oclif: {hooks: {'vault:backends': './hooks/backends.js', 'vault:sources': './hooks/sources.js'}},
    type: 'module',
    version: '0.0.1',
  }
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  await writeFile(join(dir, 'hooks', 'sources.js'), "throw new Error('half-finished refactoring')\n")
  await writeFile(join(dir, 'hooks', 'backends.js'), "export default async () => [{id: 'Not An Id', summary: 1}]\n")
}

describe('plugins installed from a registry (verdaccio, built binary)', function () {
  this.timeout(180_000)
  let registry: Registry
  let sandbox: Sandbox
  let pass: PassFixture
  let scratch: string
  const broker = new Broker()
  let brokerUrl: string
  let bundled: {backends: string[]; prompts: string[]}

  /** The user's environment: every oclif and npm directory inside the throwaway HOME. */
  const env = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
    XDG_CACHE_HOME: join(sandbox.home, '.cache'),
    XDG_CONFIG_HOME: join(sandbox.home, '.config'),
    XDG_DATA_HOME: join(sandbox.home, '.local', 'share'),
    npm_config_cache: join(sandbox.home, '.npm'),
    npm_config_registry: registry.url,
    npm_config_update_notifier: 'false',
    ...extra,
  })
  const vault = (args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> =>
    sandbox.run(args, {env: env(extra), timeoutMs: 150_000})
  const succeed = async (args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> => {
    const result = await vault(args, extra)
    if (result.code !== 0)
      throw new Error(`vault ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
    return result
  }
  const backendIds = async (): Promise<BackendRow[]> => JSON.parse((await succeed(['backends', '--json'])).stdout).result as BackendRow[]
  const promptIds = async (): Promise<PromptRow[]> => JSON.parse((await succeed(['prompts', '--json'])).stdout).result as PromptRow[]
  const printEnv = [
    '--',
    process.execPath,
    '-e',
    'for (const k of ["AWS_ACCESS_KEY_ID","AWS_SECRET_ACCESS_KEY","AWS_SESSION_TOKEN"]) console.log(k + "=" + process.env[k])',
  ]

  before(async function () {
    // A clean clone installs verdaccio on the first run (about half a minute).
    this.timeout(600_000)
    for (const built of [
      'dist/commands',
      'plugins/backend-pass/dist/hooks',
      'plugins/prompt-ykman/dist/hooks',
      'plugins/prompt-gui/dist/hooks',
    ]) {
      if (!existsSync(join(repoRoot, built))) throw new Error(`${built} is missing: run npm run build first`)
    }
    registry = await startRegistry({scopes: ['@vault-aws', '@acme-internal']})
    scratch = await mkdtemp(join(tmpdir(), 'vault-plugins-'))
    await writeBrokenPlugin(join(scratch, 'broken'))
    const published = ['backend-pass', 'prompt-ykman', 'prompt-gui'].map((name) => join(repoRoot, 'plugins', name))
    for (const dir of [...published, orgPlugin, join(scratch, 'broken')]) {
      await registry.publish(dir)
    }
    sandbox = new Sandbox()
    brokerUrl = await broker.start()
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const closedPort = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    sandbox.writeConfig(
      `[profile acme-dev]\nacme_broker_url = ${brokerUrl}\nacme_account = 123456789012\nacme_role = developer\nregion = eu-west-1\n` +
        `[profile acme-offline]\nacme_broker_url = http://127.0.0.1:${closedPort}\n`,
    )
    pass = await passFixture('plugins-e2e')
  })

  after(async () => {
    await broker.stop()
    await pass?.remove()
    sandbox?.cleanup()
    await registry?.stop()
    if (scratch) await rm(scratch, {force: true, recursive: true})
  })

  it('starts with only the bundled backends and prompt drivers', async () => {
    bundled = {backends: (await backendIds()).map((row) => row.id), prompts: (await promptIds()).map((row) => row.id)}
    expect(bundled.backends).to.include('file').and.not.include('pass')
    expect(bundled.prompts).to.include('terminal').and.not.include('ykman')
    expect((await succeed(['plugins'])).stdout).to.match(/No plugins installed/)
  })

  it('installs backend-pass by its short name and keeps keys in pass on the next command', async () => {
    await succeed(['plugins', 'install', 'backend-pass'])
    const listed = (await succeed(['plugins'])).stdout
    expect(listed).to.match(/backend-pass 0\.1\.0/)
    const pass_ = (await backendIds()).find((row) => row.id === 'pass')
    expect(pass_?.plugin).to.equal('@vault-aws/plugin-backend-pass')
    // The install rebuilt the completion scripts, and vault wrote its own over them again, once each.
    const functions = join(sandbox.home, '.cache', 'vault', 'autocomplete', 'functions')
    for (const file of [join('bash', 'vault.bash'), join('zsh', '_vault'), join('fish', 'vault.fish')]) {
      expect(readFileSync(join(functions, file), 'utf8').split(MARKER), file).to.have.length(2)
    }

    const key = fakeAccessKey()
    const passSettings = {...pass.env(), AWS_VAULT_BACKEND: 'pass', HOME: sandbox.home}
    await succeed(['add', 'work', '--env', '--no-add-config'], {
      ...passSettings,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    })
    // The entry is pass's own, in aws-vault's layout: the pass CLI reads it back.
    const shown = await passCli(pass.env({PASSWORD_STORE_DIR: pass.store}), ['show', 'work'])
    expect(JSON.parse(shown.stdout).Key).to.equal('work')
    const exported = await succeed(['export', 'work', '--no-session', '--format', 'json'], passSettings)
    expect(JSON.parse(exported.stdout)).to.include({AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey})
    // Installed from a registry, pass answers credential_process before oclif loads.
    const watched = await runNode(['--import', watchModules, vaultBin, 'exec', 'work', '--no-session', '--json'], {
      cwd: sandbox.home,
      env: sandbox.env(env(passSettings)),
    })
    expect(watched.code, watched.stderr).to.equal(0)
    expect(watched.stderr).to.match(/^oclif-modules=0 /)
    expect(JSON.parse(watched.stdout)).to.include({AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey})
    await succeed(['remove', 'work', '--force'], passSettings)
    const gone = await passCli(pass.env({PASSWORD_STORE_DIR: pass.store}), ['ls']).then((result) => result.stdout)
    expect(gone).to.not.match(/work/)
  })

  it('installs prompt-ykman and prompt-gui by their short names and lists their drivers on the next command', async () => {
    await succeed(['plugins', 'install', 'prompt-ykman'])
    await succeed(['plugins', 'install', 'prompt-gui'])
    const prompts = await promptIds()
    expect(prompts.find((row) => row.id === 'ykman')?.plugin).to.equal('@vault-aws/plugin-prompt-ykman')
    for (const id of ['kdialog', 'osascript', 'zenity']) {
      expect(prompts.find((row) => row.id === id)?.plugin).to.equal('@vault-aws/plugin-prompt-gui')
    }
    // Installed plugins keep credential_process on the start path: answered before oclif loads, as oclif would.
    const key = fakeAccessKey()
    await succeed(['add', 'installed', '--env', '--no-add-config'], {
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    })
    const full = await succeed(['exec', '--no-session', 'installed', '--json'])
    const watched = await runNode(['--import', watchModules, vaultBin, 'exec', 'installed', '--no-session', '--json'], {
      cwd: sandbox.home,
      env: sandbox.env(env()),
    })
    expect(watched.code, watched.stderr).to.equal(0)
    expect(watched.stderr).to.match(/^oclif-modules=0 /)
    expect(watched.stdout).to.equal(full.stdout)
    expect(JSON.parse(watched.stdout)).to.include({AccessKeyId: key.accessKeyId})
  })

  it("installs an organisation's plugin from its own scope and execs with the credentials its source hands out", async () => {
    await succeed(['plugins', 'install', ORG_PLUGIN])
    expect((await succeed(['plugins'])).stdout).to.include(`${ORG_PLUGIN} 1.0.0`)
    const result = await succeed(['exec', 'acme-dev', '--debug', ...printEnv], {ACME_BROKER_TOKEN: broker.token})
    expect(result.stdout).to.include(`AWS_ACCESS_KEY_ID=${broker.credentials.accessKeyId}\n`)
    expect(result.stdout).to.include(`AWS_SECRET_ACCESS_KEY=${broker.credentials.secretAccessKey}\n`)
    expect(result.stdout).to.include(`AWS_SESSION_TOKEN=${broker.credentials.sessionToken}\n`)
    expect(result.stderr).to.include('acme-broker credential source')
    expect(result.stderr).to.not.include(broker.token)
    const last = broker.requests.at(-1)!
    expect(last.authorization).to.equal(`Bearer ${broker.token}`)
    expect(last.url).to.equal('/credentials?account=123456789012&role=developer')
  })

  it("says what the organisation's source could not do", async () => {
    const result = await vault(['exec', 'acme-dev', ...printEnv], {ACME_BROKER_TOKEN: 'not-the-token'})
    expect(result.code).to.not.equal(0)
    expect(result.stderr.split('\n')[0]).to.equal(
      'vault: credential source "acme-broker" failed for profile "acme-dev": the Acme credential broker refused profile acme-dev: HTTP 403',
    )
    expect(result.stdout).to.equal('')
    const offline = await vault(['exec', 'acme-offline', ...printEnv], {ACME_BROKER_TOKEN: broker.token})
    expect(offline.code).to.not.equal(0)
    expect(offline.stderr).to.match(/cannot reach the Acme credential broker at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/)
  })

  it('stays usable with a broken plugin installed, and names it', async () => {
    await succeed(['plugins', 'install', BROKEN_PLUGIN])
    const backends = await succeed(['backends'])
    expect(backends.stdout).to.match(/^pass\s/m)
    expect(backends.stderr).to.include(BROKEN_PLUGIN)
    const exec = await succeed(['exec', 'acme-dev', ...printEnv], {ACME_BROKER_TOKEN: broker.token})
    expect(exec.stdout).to.include(`AWS_ACCESS_KEY_ID=${broker.credentials.accessKeyId}\n`)
    expect(exec.stderr).to.include(BROKEN_PLUGIN)
    expect(exec.stderr).to.include('half-finished refactoring')
  })

  it('uninstalls, and the next command no longer offers what the plugins provided', async () => {
    await succeed(['plugins', 'uninstall', 'backend-pass'])
    expect((await backendIds()).map((row) => row.id)).to.deep.equal(bundled.backends)
    await succeed(['plugins', 'uninstall', 'prompt-ykman', 'prompt-gui'])
    expect((await promptIds()).map((row) => row.id)).to.deep.equal(bundled.prompts)
    await succeed(['plugins', 'uninstall', ORG_PLUGIN, BROKEN_PLUGIN])
    const exec = await vault(['exec', 'acme-dev', ...printEnv], {ACME_BROKER_TOKEN: broker.token})
    expect(exec.code).to.not.equal(0)
    expect(exec.stdout).to.equal('')
    expect((await succeed(['plugins'])).stdout).to.match(/No plugins installed/)
  })

  it('links a working copy for development, and unlinks it', async () => {
    const before = broker.requests.length
    await succeed(['plugins', 'link', orgPlugin, '--no-install'])
    expect((await succeed(['plugins'])).stdout).to.include(`${ORG_PLUGIN} 1.0.0 (link) ${orgPlugin}`)
    const exec = await succeed(['exec', 'acme-dev', ...printEnv], {ACME_BROKER_TOKEN: broker.token})
    expect(exec.stdout).to.include(`AWS_SECRET_ACCESS_KEY=${broker.credentials.secretAccessKey}\n`)
    expect(broker.requests.length).to.equal(before + 1)
    await succeed(['plugins', 'unlink', ORG_PLUGIN])
    expect((await succeed(['plugins'])).stdout).to.match(/No plugins installed/)
  })
})
