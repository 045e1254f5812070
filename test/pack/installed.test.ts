// The standalone tarball and the Debian package as a user meets them on a machine whose Node is too old
// (Debian 12's is 20) or absent: unpacked or installed with dpkg, then add, exec and plugins install run
// with nothing but the system's PATH. Plugins come from a real registry (verdaccio on loopback).
import {expect} from 'chai'
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {fakeAccessKey, Sandbox} from '../helpers/cli.ts'
import {type Registry, startRegistry} from '../helpers/verdaccio.ts'
import {type Artefacts, artefacts, nodeMajorOn, run, succeed, systemPath} from './helpers.ts'

describe('npm run pack: the standalone build and the Debian package (no Node >= 22 on PATH)', function () {
  this.timeout(300_000)
  let packed: Artefacts
  let registry: Registry

  before(async function () {
    this.timeout(900_000)
    packed = await artefacts()
    registry = await startRegistry({scopes: ['@vault-aws']})
    await registry.publish(packed.plugin('backend-pass'))
  })

  after(async () => {
    await registry?.stop()
  })

  it('runs its tests with a PATH whose node, if any, is older than 22', async () => {
    expect(await nodeMajorOn(systemPath)).to.be.below(22)
  })

  /** add --env, exec and plugins install, with one throwaway user, through the `vault` that `binary()` names. */
  function behavesAsInstalled(binary: () => string): void {
    describe('as a user runs it', () => {
      let sandbox: Sandbox
      const key = fakeAccessKey()
      const env = (extra: Record<string, string | undefined> = {}) =>
        sandbox.env({
          PATH: systemPath,
          XDG_CACHE_HOME: join(sandbox.home, '.cache'),
          XDG_CONFIG_HOME: join(sandbox.home, '.config'),
          XDG_DATA_HOME: join(sandbox.home, '.local', 'share'),
          npm_config_cache: join(sandbox.home, '.npm'),
          npm_config_registry: registry.url,
          npm_config_update_notifier: 'false',
          ...extra,
        })

      before(() => {
        sandbox = new Sandbox()
      })

      after(() => sandbox?.cleanup())

      it('vault --version names the version and the Node it carries', async () => {
        const result = await succeed(binary(), ['--version'], {env: env()})
        expect(result.stdout.trim()).to.equal(`@vault-aws/cli/${packed.version} linux-x64 node-v${process.versions.node}`)
      })

      it('vault add --env stores a key, vault exec hands it to a program', async () => {
        await succeed(binary(), ['add', 'work', '--env'], {
          env: env({AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey}),
        })
        const exec = await succeed(binary(), ['exec', 'work', '--no-session', '--', 'sh', '-c', 'echo "$AWS_VAULT $AWS_ACCESS_KEY_ID"'], {
          env: env(),
        })
        expect(exec.stdout.trim()).to.equal(`work ${key.accessKeyId}`)
      })

      it('vault plugins install backend-pass installs from the registry and the backend appears', async () => {
        await succeed(binary(), ['plugins', 'install', 'backend-pass'], {env: env(), timeoutMs: 240_000})
        const backends = JSON.parse((await succeed(binary(), ['backends', '--json'], {env: env()})).stdout).result as Array<{
          id: string
          plugin: string
        }>
        expect(backends.map((row) => `${row.id} ${row.plugin}`)).to.include.members([
          'pass @vault-aws/plugin-backend-pass',
          'file @vault-aws/plugin-backend-file',
        ])
      })
    })
  }

  describe('the standalone tarball, unpacked', () => {
    let dir: string
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vault-standalone-'))
      await succeed('tar', ['-xzf', packed.standalone, '-C', dir], {env: {PATH: systemPath}})
    })
    after(async () => {
      if (dir) await rm(dir, {force: true, recursive: true})
    })

    it("has oclif's layout: vault/bin/vault beside vault/bin/node", () => {
      for (const file of ['bin/vault', 'bin/node', 'bin/run.js', 'package.json', 'oclif.manifest.json', 'node_modules/@oclif/core']) {
        expect(existsSync(join(dir, 'vault', file)), file).to.equal(true)
      }
    })

    behavesAsInstalled(() => join(dir, 'vault', 'bin', 'vault'))
  })

  describe('the Debian package, installed with dpkg', () => {
    const dpkgEnv = {DEBIAN_FRONTEND: 'noninteractive', PATH: systemPath}

    before(async function () {
      // dpkg -i changes the machine: only as root (CI is), and only where dpkg exists.
      if (process.getuid?.() !== 0 || !existsSync('/usr/bin/dpkg')) this.skip()
      await succeed('dpkg', ['-i', packed.deb], {env: dpkgEnv, timeoutMs: 240_000})
    })

    after(async () => {
      // Whatever happened above, the machine is left without the package.
      if (existsSync('/usr/lib/vault')) await run('dpkg', ['-r', 'vault-aws'], {env: dpkgEnv, timeoutMs: 240_000})
    })

    it('puts vault on PATH', async () => {
      const found = await succeed('/bin/sh', ['-c', 'command -v vault'], {env: {PATH: systemPath}})
      expect(found.stdout.trim()).to.equal('/usr/bin/vault')
    })

    behavesAsInstalled(() => 'vault')

    describe('then removed', () => {
      it('dpkg -r removes it and leaves nothing behind', async () => {
        await succeed('dpkg', ['-r', 'vault-aws'], {env: dpkgEnv, timeoutMs: 240_000})
        expect(existsSync('/usr/lib/vault'), '/usr/lib/vault').to.equal(false)
        expect(existsSync('/usr/bin/vault'), '/usr/bin/vault').to.equal(false)
        for (const query of [['-s'], ['-L']]) {
          const result = await run('dpkg', [...query, 'vault-aws'], {env: dpkgEnv})
          expect(result.code, `dpkg ${query[0]} vault-aws: ${result.stdout}`).to.not.equal(0)
        }
      })
    })
  })
})
