import {expect} from 'chai'

import {fakeAccessKey, Sandbox} from '../helpers/cli.ts'
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
