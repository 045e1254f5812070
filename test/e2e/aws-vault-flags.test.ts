import {expect} from 'chai'

import {fakeAccessKey, Sandbox, vaultBin} from '../helpers/cli.ts'
import {hasTmux, shellQuote, TmuxSession} from '../helpers/tmux.ts'
import {ChainWorld} from './chain-helpers.ts'

// aws-vault flags and refusals that scripts written for aws-vault rely on.
describe('aws-vault flags and refusals (built binary)', function () {
  this.timeout(60_000)

  describe('inside a vault subshell (AWS_VAULT set)', () => {
    let sandbox: Sandbox
    before(async () => {
      sandbox = new Sandbox()
      sandbox.writeConfig('[profile work]\n')
      const key = fakeAccessKey()
      await sandbox.addKey('work', key.accessKeyId, key.secretAccessKey)
    })
    after(() => sandbox.cleanup())

    for (const command of [
      ['export', 'work', '--no-session'],
      ['exec', 'work', '--no-session', '--', 'true'],
    ]) {
      it(`vault ${command[0]} refuses, as aws-vault does, and prints no credentials`, async () => {
        const result = await sandbox.run(command, {env: {AWS_VAULT: 'other'}})
        expect(result.code).to.equal(2)
        expect(result.stdout).to.equal('')
        expect(result.stderr).to.equal(
          'vault: running in an existing vault subshell for "other"\nTry this: \'exit\' from the subshell, or unset AWS_VAULT to force\n',
        )
      })
    }
  })

  describe('no profile given', () => {
    let sandbox: Sandbox
    const key = fakeAccessKey()
    before(async () => {
      sandbox = new Sandbox()
      sandbox.writeConfig('[profile work]\n\n[profile other]\n\n[profile staging]\n')
      await sandbox.addKey('work', key.accessKeyId, key.secretAccessKey)
      await sandbox.addKey('other', key.accessKeyId, key.secretAccessKey)
    })
    after(() => sandbox.cleanup())

    it('exec and export use $AWS_PROFILE', async () => {
      const exec = await sandbox.run(['exec', '--no-session', '--', 'sh', '-c', 'echo $AWS_VAULT'], {env: {AWS_PROFILE: 'work'}})
      expect(exec.code, exec.stderr).to.equal(0)
      expect(exec.stdout).to.equal('work\n')
      const exported = await sandbox.run(['export', '--no-session'], {env: {AWS_PROFILE: 'work'}})
      expect(exported.code, exported.stderr).to.equal(0)
      expect(exported.stdout).to.include(`AWS_ACCESS_KEY_ID=${key.accessKeyId}\n`)
    })

    it("exec and export take aws-vault's --stdout (the SSO sign-in is tested with the credential sources)", async () => {
      for (const argv of [
        ['export', 'work', '--no-session', '--stdout'],
        ['exec', 'work', '--no-session', '--no-stdout', '--', 'true'],
      ]) {
        const result = await sandbox.run(argv)
        expect(result.code, `${argv.join(' ')}: ${result.stderr}`).to.equal(0)
      }
      expect((await sandbox.run(['export', '--help'])).stdout).to.include('--[no-]stdout')
    })

    it('login uses $AWS_PROFILE', async () => {
      const result = await sandbox.run(['login', '--stdout'], {env: {AWS_PROFILE: 'staging'}})
      expect(result.code).to.equal(3)
      expect(result.stderr.split('\n')[0]).to.match(/^vault: no credentials stored for profile "staging"/)
    })

    for (const command of ['exec', 'export']) {
      it(`vault ${command} without a terminal says in one line that the profile is missing`, async () => {
        const result = await sandbox.run([command])
        expect(result.code).to.equal(2)
        expect(result.stdout).to.equal('')
        expect(result.stderr).to.equal(`vault: missing profile: vault ${command} <profile>\nTry this: name a profile, or set AWS_PROFILE\n`)
      })
    }

    it('on a terminal, offers the profiles in a list narrowed by typing', async function () {
      if (!hasTmux()) this.skip() // tmux is installed by .ci/run; a machine without it cannot run a pty here
      const line = `${shellQuote(process.execPath)} ${shellQuote(vaultBin)} exec --no-session -- sh -c 'echo "chosen=$AWS_VAULT"'`
      const tty = new TmuxSession(line, sandbox.env())
      try {
        const offered = await tty.waitFor(/Profile \(type to search\)/)
        for (const name of ['work', 'other', 'staging']) expect(offered).to.include(name)
        tty.type('oth')
        // The typed letters show before the list is narrowed: wait for the narrowed list itself (it
        // never comes, and the wait fails, if typing does not narrow it).
        await tty.waitFor(/^(?![\s\S]*staging)[\s\S]*oth[\s\S]*other/)
        tty.press('Enter')
        const screen = await tty.waitFor(/EXIT=\d+/)
        expect(screen).to.include('chosen=other')
        expect(screen).to.include('EXIT=0')
      } finally {
        tty.close()
      }
    })
  })

  describe('remove --sessions-only / -s', () => {
    let world: ChainWorld
    beforeEach(async () => {
      world = await ChainWorld.start(
        {users: [{name: 'alice'}, {name: 'bob'}]},
        () => '[profile alice]\nregion = eu-west-1\n\n[profile bob]\nregion = eu-west-1\n',
        ['alice', 'bob'],
      )
      await world.credentials('alice')
      await world.credentials('bob')
    })
    afterEach(() => world.stop())

    async function stored(): Promise<{credentials: string[]; sessions: string[]}> {
      const listed = await world.run(['list', '--json'])
      expect(listed.code, listed.stderr).to.equal(0)
      const result = JSON.parse(listed.stdout).result as {profiles: {credentials: string | null}[]; sessions: {profile: string}[]}
      return {
        credentials: result.profiles.flatMap((entry) => (entry.credentials ? [entry.credentials] : [])).sort(),
        sessions: result.sessions.map((session) => session.profile).sort(),
      }
    }

    for (const flag of ['--sessions-only', '-s']) {
      it(`${flag} removes only that profile's sessions, without asking, and keeps its credentials`, async () => {
        expect(await stored()).to.deep.equal({credentials: ['alice', 'bob'], sessions: ['alice', 'bob']})
        const result = await world.run(['remove', flag, 'alice'])
        expect(result.code, result.stderr).to.equal(0)
        expect(result.stdout).to.equal('Deleted 1 sessions.\n')
        expect(await stored()).to.deep.equal({credentials: ['alice', 'bob'], sessions: ['bob']})
      })
    }

    it('says "Deleted 0 sessions." for a profile without any, as aws-vault does', async () => {
      const result = await world.run(['remove', '-s', 'nobody'])
      expect(result).to.include({code: 0, stdout: 'Deleted 0 sessions.\n'})
    })
  })
})
