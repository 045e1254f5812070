// The npm tarballs as a user meets them: the host's installs with `npm install --global` from the file
// alone (its bundled plugins inside it) and runs; SHA256SUMS vouches for every artefact.
import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {existsSync, lstatSync, readFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {basename, dirname, join} from 'node:path'

import {fakeAccessKey, Sandbox} from '../helpers/cli.ts'
import {npm} from '../helpers/verdaccio.ts'
import {type Artefacts, artefacts, nodeMajorOn, run, succeed} from './helpers.ts'

describe('npm run pack: the npm tarballs', function () {
  this.timeout(300_000)
  let packed: Artefacts
  let prefix: string
  let sandbox: Sandbox
  const nodeDir = dirname(process.execPath)
  const vault = () => join(prefix, 'bin', 'vault')
  const env = (extra: Record<string, string | undefined> = {}) => sandbox.env({PATH: `${nodeDir}:/usr/bin:/bin`, ...extra})

  before(async function () {
    this.timeout(900_000)
    packed = await artefacts()
    prefix = await mkdtemp(join(tmpdir(), 'vault-npm-global-'))
    sandbox = new Sandbox()
    const npmEnv: Record<string, string> = {HOME: process.env.HOME ?? sandbox.home, npm_config_update_notifier: 'false'}
    for (const name of ['NODE_EXTRA_CA_CERTS', 'npm_config_registry', 'npm_config_cache']) {
      if (process.env[name] !== undefined) npmEnv[name] = process.env[name]!
    }
    await npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', packed.host], {
      cwd: prefix,
      env: npmEnv,
      timeoutMs: 600_000,
    })
  })

  after(async () => {
    sandbox?.cleanup()
    if (prefix) await rm(prefix, {force: true, recursive: true})
  })

  it('lists every artefact in SHA256SUMS with its hash, each named with the version', () => {
    const sums = readFileSync(join(packed.dir, 'SHA256SUMS'), 'utf8').trimEnd().split('\n')
    const listed = sums.map((line) => line.split('  ')[1])
    expect(listed).to.have.members(packed.files.filter((file) => file !== 'SHA256SUMS'))
    expect(listed).to.include.members([basename(packed.host), basename(packed.standalone), basename(packed.deb)])
    expect(listed.filter((file) => file?.startsWith('vault-aws-plugin-'))).to.have.length.of.at.least(6)
    for (const line of sums) {
      const [hash, file] = line.split('  ')
      expect(file).to.include(packed.version)
      expect(
        createHash('sha256')
          .update(readFileSync(join(packed.dir, file!)))
          .digest('hex'),
        file,
      ).to.equal(hash)
    }
  })

  it('installs alone and carries its bundled plugins inside it', () => {
    const installed = join(prefix, 'lib', 'node_modules', '@vault-aws', 'cli')
    for (const plugin of ['plugin-backend-file', 'plugin-backend-keyring', 'plugin-backend-kwallet']) {
      expect(lstatSync(join(installed, 'node_modules', '@vault-aws', plugin)).isDirectory(), plugin).to.equal(true)
    }
    expect(lstatSync(join(installed, 'node_modules', 'jose')).isDirectory(), 'the file backend needs jose').to.equal(true)
  })

  it('runs: vault --version, the bundled backends, add --env and exec', async () => {
    const version = await succeed(vault(), ['--version'], {env: env()})
    expect(version.stdout.trim()).to.equal(`@vault-aws/cli/${packed.version} linux-x64 node-v${process.versions.node}`)
    const backends = JSON.parse((await succeed(vault(), ['backends', '--json'], {env: env()})).stdout).result as Array<{
      id: string
      plugin: string
    }>
    expect(backends.map((row) => `${row.id} ${row.plugin}`)).to.include.members([
      'file @vault-aws/plugin-backend-file',
      'keyring @vault-aws/plugin-backend-keyring',
      'kwallet @vault-aws/plugin-backend-kwallet',
    ])
    const key = fakeAccessKey()
    await succeed(vault(), ['add', 'work', '--env'], {
      env: env({AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey}),
    })
    const exec = await succeed(vault(), ['exec', 'work', '--no-session', '--', 'sh', '-c', 'echo "$AWS_VAULT $AWS_ACCESS_KEY_ID"'], {
      env: env(),
    })
    expect(exec.stdout.trim()).to.equal(`work ${key.accessKeyId}`)
  })

  it("says in one line which Node it needs when the machine's node is older than 22", async function () {
    // Debian 12's /usr/bin/node is 20: the machine this guards against.
    const major = await nodeMajorOn('/usr/bin:/bin')
    if (major === 0 || major >= 22) this.skip()
    const result = await run(vault(), ['--version'], {env: env({PATH: '/usr/bin:/bin'})})
    expect(result.code).to.equal(1)
    expect(result.stderr.trimEnd().split('\n'), result.stderr).to.have.length(1)
    expect(result.stderr).to.match(new RegExp(`^vault needs Node\\.js 22 or newer, and \\S+ is v${major}\\.`))
  })

  it('npm uninstall --global @vault-aws/cli removes it', async () => {
    const npmEnv = {HOME: process.env.HOME ?? sandbox.home, npm_config_update_notifier: 'false'}
    await npm(['uninstall', '--global', '--prefix', prefix, '@vault-aws/cli'], {cwd: prefix, env: npmEnv})
    expect(existsSync(vault()), vault()).to.equal(false)
    expect(existsSync(join(prefix, 'lib', 'node_modules', '@vault-aws', 'cli'))).to.equal(false)
  })
})
