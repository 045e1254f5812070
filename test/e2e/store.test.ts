import {expect} from 'chai'
import {readFileSync} from 'node:fs'

import {fakeAccessKey, Sandbox, vaultBin} from '../helpers/cli.ts'
import {hasTmux, shellQuote, TmuxSession} from '../helpers/tmux.ts'

describe('vault add / list / remove (built binary)', () => {
  let sandbox: Sandbox
  const key = fakeAccessKey()

  beforeEach(() => {
    sandbox = new Sandbox()
  })

  afterEach(() => sandbox.cleanup())

  const addFromEnv = (profile: string, extra: string[] = []) =>
    sandbox.run(['add', profile, '--env', ...extra], {
      env: {AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey},
    })

  it('adds from the environment, and adds the profile to the config keeping what was there', async () => {
    const original = '# my settings\n[default]\nregion = us-west-2 ; west\n'
    sandbox.writeConfig(original)
    const result = await addFromEnv('work')
    expect(result.code).to.equal(0)
    expect(result.stdout).to.equal('Added credentials to profile "work" in vault\n')
    const config = readFileSync(sandbox.configFile, 'utf8')
    expect(config.startsWith(original)).to.equal(true)
    expect(config).to.match(/^\[profile work\]$/m)
    const exported = await sandbox.run(['export', 'work', '--no-session', '--format', 'json'])
    expect(JSON.parse(exported.stdout).SecretAccessKey).to.equal(key.secretAccessKey)
  })

  it('leaves the config alone with --no-add-config', async () => {
    sandbox.writeConfig('[default]\n')
    await addFromEnv('work', ['--no-add-config'])
    expect(readFileSync(sandbox.configFile, 'utf8')).to.equal('[default]\n')
  })

  it('refuses a profile that takes its keys from source_profile', async () => {
    sandbox.writeConfig('[profile base]\n[profile role]\nsource_profile = base\nrole_arn = arn:aws:iam::123456789012:role/r\n')
    const result = await addFromEnv('role')
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.equal(
      'vault: profile "role" has source_profile "base": credentials added to "role" would never be used',
    )
  })

  it('says which variable is missing with --env', async () => {
    const result = await sandbox.run(['add', 'work', '--env'], {env: {AWS_ACCESS_KEY_ID: key.accessKeyId}})
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.equal('vault: missing value for AWS_SECRET_ACCESS_KEY')
  })

  it('says there is no terminal when it cannot ask for the keys', async () => {
    const result = await sandbox.run(['add', 'work'], {env: {}})
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.equal('vault: no terminal to ask for the access key')
  })

  it('lists profiles, credentials and the table', async () => {
    sandbox.writeConfig('[default]\nregion = us-east-1\n[profile work]\n[profile other]\n')
    await addFromEnv('work')
    await addFromEnv('orphan', ['--no-add-config'])
    const table = await sandbox.run(['list'])
    expect(table.code).to.equal(0)
    const lines = table.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.trimEnd().split(/\s{2,}/))
    // aws-vault's tabwriter layout: every cell padded to 25 columns, the last one too.
    expect(table.stdout.split('\n')[0]).to.equal(`${'Profile'.padEnd(25)}${'Credentials'.padEnd(25)}${'Sessions'.padEnd(25)}`)
    expect(lines).to.deep.equal([
      ['Profile', 'Credentials', 'Sessions'],
      ['=======', '===========', '========'],
      ['default', '-', '-'],
      ['work', 'work', '-'],
      ['other', '-', '-'],
      ['-', 'orphan', '-'],
    ])
    expect((await sandbox.run(['ls', '--profiles'])).stdout).to.equal('default\nwork\nother\n')
    expect((await sandbox.run(['list', '--credentials'])).stdout).to.equal('orphan\nwork\n')
    const json = JSON.parse((await sandbox.run(['list', '--json'])).stdout)
    expect(json.status).to.equal(0)
    expect(json.result.profiles).to.deep.include({credentials: 'work', profile: 'work', sessions: []})
  })

  it('rejects two list modes at once', async () => {
    const result = await sandbox.run(['list', '--profiles', '--sessions'])
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.match(/^vault: .*--sessions.*/)
  })

  it('removes with --force and reports an unknown profile', async () => {
    await addFromEnv('work', ['--no-add-config'])
    const removed = await sandbox.run(['remove', 'work', '--force'])
    expect(removed.stdout).to.equal('Deleted credentials.\n')
    expect((await sandbox.run(['list', '--credentials'])).stdout).to.equal('')
    const again = await sandbox.run(['rm', 'work', '-f'])
    expect(again.code).to.equal(3)
    expect(again.stderr.split('\n')[0]).to.equal(
      `vault: no credentials stored for profile "work" in the "file" backend (${sandbox.keysDir})`,
    )
  })

  it('reports a wrong passphrase in one line and keeps the store', async () => {
    await addFromEnv('work', ['--no-add-config'])
    const result = await sandbox.run(['export', 'work', '--no-session'], {env: {AWS_VAULT_FILE_PASSPHRASE: 'wrong'}})
    expect(result.code).to.equal(77)
    expect(result.stderr.split('\n')).to.have.length.lessThan(4)
    expect(result.stderr).not.to.include('wrong')
    const ok = await sandbox.run(['export', 'work', '--no-session'])
    expect(ok.code).to.equal(0)
  })

  it('rejects an unknown backend, naming the known ones', async () => {
    const result = await sandbox.run(['list'], {env: {AWS_VAULT_BACKEND: 'nope'}})
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.equal('vault: unknown backend "nope" (known: keyring, secret-service, kwallet, file)')
  })

  it('rejects an unknown flag and an unknown command in one line', async () => {
    const flag = await sandbox.run(['list', '--frobnicate'])
    expect(flag.code).to.equal(2)
    expect(flag.stderr.split('\n')[0]).to.match(/^vault: Nonexistent flag: --frobnicate/)
    expect(flag.stderr).not.to.match(/\n\s+at /)
    // An unknown command ends as it does in a shell: 127.
    const command = await sandbox.run(['frobnicate'])
    expect(command.code).to.equal(127)
    expect(command.stderr).to.match(/frobnicate is not a vault command/)
  })

  it('lists the backends with their plugin and availability', async () => {
    const result = await sandbox.run(['backends', '--json'])
    const json = JSON.parse(result.stdout)
    expect(json.result).to.deep.include.members([
      {
        available: true,
        id: 'file',
        plugin: '@vault-aws/plugin-backend-file',
        priority: 10,
        reason: json.result.find((r: {id: string}) => r.id === 'file').reason,
        summary: json.result.find((r: {id: string}) => r.id === 'file').summary,
        // The file store can be unlocked for a while (vault unlock); nothing unlocked it here.
        unlocked: false,
      },
    ])
  })

  describe('through a real terminal', function () {
    before(function () {
      if (!hasTmux()) throw new Error('tmux is required for the terminal tests (Debian package tmux)')
    })

    it('adds keys typed at hidden prompts', async () => {
      const env = sandbox.env()
      delete (env as Record<string, string | undefined>).AWS_VAULT_FILE_PASSPHRASE
      env.AWS_VAULT_FILE_PASSPHRASE = sandbox.passphrase
      const tmux = new TmuxSession(`${shellQuote(process.execPath)} ${shellQuote(vaultBin)} add typed`, env)
      try {
        await tmux.waitFor(/Enter Access Key ID:/)
        tmux.type(key.accessKeyId)
        tmux.press('Enter')
        await tmux.waitFor(/Enter Secret Access Key:/)
        tmux.type(key.secretAccessKey)
        tmux.press('Enter')
        const screen = await tmux.waitFor(/EXIT=\d+/)
        expect(screen).to.include('EXIT=0')
        expect(screen).to.include('Added credentials to profile "typed" in vault')
        expect(screen).not.to.include(key.secretAccessKey)
      } finally {
        tmux.close()
      }
      const exported = await sandbox.run(['export', 'typed', '--no-session', '--format', 'json'])
      expect(JSON.parse(exported.stdout)).to.include({AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey})
    })

    it('asks before removing and keeps the key on "n"', async () => {
      await addFromEnv('work', ['--no-add-config'])
      const tmux = new TmuxSession(`${shellQuote(process.execPath)} ${shellQuote(vaultBin)} remove work`, sandbox.env())
      try {
        await tmux.waitFor(/Delete credentials for profile "work"\? \(y\|N\)/)
        tmux.type('n')
        tmux.press('Enter')
        expect(await tmux.waitFor(/EXIT=\d+/)).to.include('EXIT=0')
      } finally {
        tmux.close()
      }
      expect((await sandbox.run(['list', '--credentials'])).stdout).to.equal('work\n')
    })
  })
})
