// vault rotate against the emulator: the happy path, and a failure at each step, each time
// checking the two things that matter: the stored key authenticates, and IAM holds no key the
// store does not know.
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {chmodSync, rmSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {Sandbox, vaultBin, type RunResult} from '../helpers/cli.ts'
import {startEmulator, type Emulator, type Seed} from '../helpers/emulator.ts'
import {TmuxSession} from '../helpers/tmux.ts'

const ACCOUNT = '123456789012'
const redacted = (id: string) => `****************${id.slice(-4)}`

interface Key {
  accessKeyId: string
  secretAccessKey: string
}

describe('vault rotate (built binary, emulator)', function () {
  this.timeout(60_000)
  let aws: Emulator
  let sandbox: Sandbox

  async function setUp(seed: Seed = {}): Promise<void> {
    aws = await startEmulator({
      roles: [{name: 'admin'}],
      users: [{name: 'bob'}, {mfa: true, name: 'alice', requireMfa: true}],
      ...seed,
    })
    sandbox = new Sandbox()
    sandbox.writeConfig(`
[profile bob]
region = eu-west-1

[profile alice]
region = eu-west-1
mfa_serial = ${aws.user('alice').mfaSerial}

[profile admin]
region = eu-west-1
source_profile = bob
role_arn = ${aws.role('admin').arn}

[profile other]
region = eu-west-1
`)
    for (const user of ['bob', 'alice']) {
      const key = aws.credentials(user)
      await sandbox.addKey(user, key.accessKeyId, key.secretAccessKey)
    }
  }

  afterEach(async () => {
    sandbox.cleanup()
    await aws.stop()
  })

  const env = (extra: Record<string, string | undefined> = {}) => ({AWS_ENDPOINT_URL: aws.url, ...extra})
  const vault = (args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> => sandbox.run(args, {env: env(extra)})
  const rotate = (args: string[], extra: Record<string, string | undefined> = {}) => vault(['rotate', ...args, '--wait', '3s'], extra)

  /** The key in the store, read back through vault itself. */
  async function storedKey(profile: string): Promise<Key> {
    const result = await vault(['export', profile, '--no-session', '--format', 'json'])
    expect(result.code, result.stderr).to.equal(0)
    const parsed = JSON.parse(result.stdout) as {AccessKeyId: string; SecretAccessKey: string; SessionToken?: string}
    expect(parsed.SessionToken).to.equal(undefined)
    return {accessKeyId: parsed.AccessKeyId, secretAccessKey: parsed.SecretAccessKey}
  }

  async function identity(key: Key): Promise<string> {
    const client = new STSClient({credentials: {...key}, endpoint: aws.url, region: 'us-east-1'})
    try {
      return (await client.send(new GetCallerIdentityCommand({}))).Arn ?? ''
    } finally {
      client.destroy()
    }
  }

  const iamKeys = (user: string) => aws.user(user).accessKeys.map((key) => key.accessKeyId)

  /** The invariant every outcome must keep. */
  async function expectStoreWorksAndNoOrphan(user: string, expected: 'old' | 'new', old: Key): Promise<Key> {
    aws.clearFaults()
    const stored = await storedKey(user)
    expect(await identity(stored)).to.equal(`arn:aws:iam::${ACCOUNT}:user/${user}`)
    expect(iamKeys(user)).to.deep.equal([stored.accessKeyId])
    if (expected === 'old') expect(stored).to.deep.equal(old)
    else expect(stored.accessKeyId).to.not.equal(old.accessKeyId)
    return stored
  }

  async function sessionsOf(): Promise<string[]> {
    const result = await vault(['list', '--json'])
    expect(result.code, result.stderr).to.equal(0)
    return (JSON.parse(result.stdout) as {result: {sessions: Array<{type: string; profile: string}>}}).result.sessions
      .map((s) => `${s.type} ${s.profile}`)
      .sort()
  }

  describe('end to end', () => {
    beforeEach(() => setUp())

    it('replaces the key of a user without MFA: new key stored and working, old key gone, its sessions cleared', async () => {
      const old = await storedKey('bob')
      expect((await vault(['exec', 'bob', '--json'])).code).to.equal(0)
      expect((await vault(['exec', 'admin', '--json'])).code).to.equal(0)
      expect(await sessionsOf()).to.deep.equal(['sts.AssumeRole admin', 'sts.GetSessionToken bob'])
      aws.clearCalls()

      const result = await rotate(['bob'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.equal('')
      const calls = [...aws.calls]
      const fresh = await expectStoreWorksAndNoOrphan('bob', 'new', old)
      expect(await sessionsOf()).to.deep.equal([])

      // IAM refuses sessions made without MFA: the stored key itself makes the calls.
      expect(
        calls.map(
          (call) => `${call.action} ${call.accessKeyId === old.accessKeyId ? 'old' : call.accessKeyId === fresh.accessKeyId ? 'new' : '?'}`,
        ),
      ).to.deep.equal(['ListAccessKeys old', 'CreateAccessKey old', 'GetCallerIdentity new', 'DeleteAccessKey old'])
      expect(aws.callsOf('DeleteAccessKey')[0]!.params.AccessKeyId).to.equal(old.accessKeyId)

      // Plain lines on a pipe: the task list as it ran, no cursor movement or colour.
      expect(result.stderr).to.not.include('\u001B[')
      expect(result.stderr).to.include(`Found the stored key ${redacted(old.accessKeyId)} (profile bob)`)
      expect(result.stderr).to.include('Got credentials: the stored key (IAM refuses sessions made without MFA)')
      expect(result.stderr).to.include(`Created a new access key ${redacted(fresh.accessKeyId)}`)
      expect(result.stderr).to.include('The new key works')
      expect(result.stderr).to.include('Stored the new key')
      expect(result.stderr).to.include('Cleared 2 sessions made with the old key')
      expect(result.stderr).to.include(`Deleted the old key ${redacted(old.accessKeyId)}`)
      expect(result.stderr).to.include(
        `Rotated the access key of profile bob: ${redacted(old.accessKeyId)} → ${redacted(fresh.accessKeyId)}`,
      )
      expect(result.stderr).to.not.include(fresh.secretAccessKey)
      expect(result.stderr).to.not.include(fresh.accessKeyId)
    })

    it('with mfa_serial: IAM calls go through a fresh MFA session, never a cached one, and none is left behind', async () => {
      const old = await storedKey('alice')
      expect((await vault(['exec', 'alice', '--json', '-t', aws.totp(aws.user('alice').mfaSerial!)])).code).to.equal(0)
      aws.clearCalls()
      const result = await rotate(['alice', '-t', aws.totp(aws.user('alice').mfaSerial!)])
      expect(result.code, result.stderr).to.equal(0)
      await expectStoreWorksAndNoOrphan('alice', 'new', old)
      expect(aws.callsOf('GetSessionToken')).to.have.length(1)
      for (const action of ['ListAccessKeys', 'CreateAccessKey', 'DeleteAccessKey']) {
        const principal = aws.callsOf(action)[0]!.principal!
        expect(principal.source, action).to.equal('GetSessionToken')
        expect(principal.mfa, action).to.equal(true)
      }
      expect(result.stderr).to.include('Got credentials: a new MFA session of profile alice')
      expect(await sessionsOf()).to.deep.equal([])
    })

    it('through a role profile: the role names the user, found with GetCallerIdentity on the stored key', async () => {
      const old = await storedKey('bob')
      aws.clearCalls()
      const result = await rotate(['admin'])
      expect(result.code, result.stderr).to.equal(0)
      await expectStoreWorksAndNoOrphan('bob', 'new', old)
      const create = aws.callsOf('CreateAccessKey')[0]!
      expect(create.params.UserName).to.equal('bob')
      expect(create.principal!.arn).to.match(/:assumed-role\/admin\//)
      expect(result.stderr).to.include(`Found the stored key ${redacted(old.accessKeyId)} (profile bob, the source of admin)`)
      expect(result.stderr).to.include(`Got credentials: a new session of role ${aws.role('admin').arn}`)
    })

    it('--no-session makes the IAM calls with the stored key', async () => {
      const old = await storedKey('bob')
      aws.clearCalls()
      const result = await rotate(['bob', '--no-session'])
      expect(result.code, result.stderr).to.equal(0)
      await expectStoreWorksAndNoOrphan('bob', 'new', old)
      expect(aws.callsOf('CreateAccessKey')[0]!.principal!.source).to.equal('long-term')
      expect(result.stderr).to.include('Got credentials: the stored key (--no-session)')
    })

    it('--json prints the result only, with the keys redacted', async () => {
      const old = await storedKey('bob')
      const result = await rotate(['bob', '--json'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.equal('')
      const fresh = await storedKey('bob')
      expect(JSON.parse(result.stdout)).to.deep.equal({
        result: {
          newAccessKey: redacted(fresh.accessKeyId),
          oldAccessKey: redacted(old.accessKeyId),
          profile: 'bob',
          sessionsCleared: 0,
          storedProfile: 'bob',
          userName: 'bob',
        },
        status: 0,
        warnings: [],
      })
    })

    it('waits while IAM does not accept the new key yet', async () => {
      const old = await storedKey('bob')
      aws.fail('GetCallerIdentity', 'InvalidClientTokenId', 2)
      const result = await rotate(['bob'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.include('The new key works (after 3 tries)')
      await expectStoreWorksAndNoOrphan('bob', 'new', old)
    })

    it('a profile without stored keys is refused before any AWS call', async () => {
      const result = await rotate(['other'])
      expect(result.code).to.equal(3)
      expect(result.stderr).to.match(/^vault: no access key is stored for profile "other" or its source profiles/)
      expect(aws.calls).to.have.length(0)
    })
  })

  describe('on a terminal', () => {
    beforeEach(() => setUp())

    it('draws the live task list, paused while the MFA prompt asks, and leaves it complete', async () => {
      const old = await storedKey('alice')
      aws.fail('GetCallerIdentity', 'InvalidClientTokenId', 1)
      const tmux = new TmuxSession(`${process.execPath} ${vaultBin} rotate alice`, sandbox.env(env({TERM: 'xterm-256color'})))
      try {
        await tmux.waitFor(/Enter MFA code for arn:aws:iam::\d+:mfa\/alice: *$/m)
        tmux.type(aws.totp(aws.user('alice').mfaSerial!))
        tmux.press('Enter')
        const screen = await tmux.waitFor(/EXIT=\d+/, 30_000)
        expect(screen).to.include('EXIT=0')
        const fresh = await expectStoreWorksAndNoOrphan('alice', 'new', old)
        const lines = screen
          .split('\n')
          .map((line) => line.trimEnd())
          .filter(Boolean)
        expect(lines.slice(0, 9)).to.deep.equal([
          `Enter MFA code for ${aws.user('alice').mfaSerial}:`,
          `✔ Found the stored key ${redacted(old.accessKeyId)} (profile alice)`,
          '✔ Got credentials: a new MFA session of profile alice',
          `✔ Created a new access key ${redacted(fresh.accessKeyId)}`,
          '✔ The new key works (after 2 tries)',
          '✔ Stored the new key',
          '✔ Cleared 0 sessions made with the old key',
          `✔ Deleted the old key ${redacted(old.accessKeyId)}`,
          `Rotated the access key of profile alice: ${redacted(old.accessKeyId)} → ${redacted(fresh.accessKeyId)}`,
        ])
      } finally {
        tmux.close()
      }
    })
  })

  describe('a failure at each step keeps a working key in the store and no orphan in IAM', () => {
    beforeEach(() => setUp())

    it('CreateAccessKey refused', async () => {
      const old = await storedKey('bob')
      aws.fail('CreateAccessKey', 'AccessDenied')
      const result = await rotate(['bob'])
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(/^vault: IAM CreateAccessKey failed: access denied/m)
      expect(result.stderr).to.match(/✖ Create a new access key/)
      await expectStoreWorksAndNoOrphan('bob', 'old', old)
    })

    it('the new key never becomes valid: it is deleted again', async () => {
      const old = await storedKey('bob')
      aws.fail('GetCallerIdentity', 'InvalidClientTokenId')
      const result = await rotate(['bob'])
      expect(result.code).to.equal(1)
      const created = aws.callsOf('CreateAccessKey')[0]!
      expect(created.outcome.status).to.equal(200)
      expect(aws.callsOf('GetCallerIdentity').length).to.be.greaterThan(1)
      expect(aws.callsOf('DeleteAccessKey').map((call) => call.params.AccessKeyId)).to.not.include(old.accessKeyId)
      expect(result.stderr).to.match(
        /^vault: the new key \*{16}\w{4} did not work within 3s \(.*InvalidClientTokenId.*\); it was deleted again and the store still holds \*{16}\w{4}, which works$/m,
      )
      await expectStoreWorksAndNoOrphan('bob', 'old', old)
    })

    it('the store refuses the write: the new key is deleted again', async () => {
      const old = await storedKey('bob')
      const undo = makeReadOnly(sandbox.keysDir)
      let result: RunResult
      try {
        result = await rotate(['bob'])
      } finally {
        undo()
      }
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(
        /^vault: could not store the new key \*{16}\w{4} \(.*\); it was deleted again and the store still holds \*{16}\w{4}, which works$/m,
      )
      expect(aws.callsOf('DeleteAccessKey')).to.have.length(1)
      expect(aws.callsOf('DeleteAccessKey')[0]!.params.AccessKeyId).to.not.equal(old.accessKeyId)
      await expectStoreWorksAndNoOrphan('bob', 'old', old)
    })

    it('DeleteAccessKey throttled beyond the SDK’s own retries: tried again until it goes', async () => {
      const old = await storedKey('bob')
      aws.throttle('DeleteAccessKey', 5)
      const result = await rotate(['bob'], {AWS_VAULT_ROTATE_WAIT: '20s'})
      expect(result.code, result.stderr).to.equal(0)
      expect(aws.callsOf('DeleteAccessKey').length).to.equal(6)
      await expectStoreWorksAndNoOrphan('bob', 'new', old)
    })

    it('DeleteAccessKey refused for good: the new key is stored and works; the message says which key to delete', async () => {
      const old = await storedKey('bob')
      aws.fail('DeleteAccessKey', 'AccessDenied')
      const result = await rotate(['bob'])
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(
        /^vault: the new key \*{16}\w{4} is stored and works, but the old key \*{16}\w{4} could not be deleted from IAM/m,
      )
      expect(result.stderr).to.include('Try this: delete it yourself: `aws iam list-access-keys --user-name bob`')
      aws.clearFaults()
      const stored = await storedKey('bob')
      expect(stored.accessKeyId).to.not.equal(old.accessKeyId)
      expect(await identity(stored)).to.equal(`arn:aws:iam::${ACCOUNT}:user/bob`)
      expect(iamKeys('bob')).to.have.members([old.accessKeyId, stored.accessKeyId])
    })
  })

  describe('the two-keys limit', () => {
    beforeEach(() =>
      setUp({
        users: [
          {accessKeys: 2, name: 'bob'},
          {mfa: true, name: 'alice'},
        ],
      }),
    )

    it('refuses before creating anything, naming both keys redacted and how to fix it', async () => {
      const old = await storedKey('bob')
      const other = iamKeys('bob').find((id) => id !== old.accessKeyId)!
      aws.clearCalls()
      const result = await rotate(['bob'])
      expect(result.code).to.equal(1)
      expect(result.stderr).to.include(
        `vault: IAM user bob already has two access keys, the most IAM allows: ${redacted(old.accessKeyId)} (stored here, active) and ${redacted(other)} (not stored here, active)`,
      )
      expect(result.stderr).to.include(`Try this: if nothing uses the key ending in …${other.slice(-4)}, delete it`)
      expect(result.stderr).to.not.include(other)
      expect(aws.callsOf('CreateAccessKey')).to.have.length(0)
      expect(await storedKey('bob')).to.deep.equal(old)
      expect(iamKeys('bob')).to.have.length(2)
    })

    it('--json gives the error code', async () => {
      const result = await rotate(['bob', '--json'])
      expect(result.code).to.equal(1)
      expect(JSON.parse(result.stdout)).to.include({code: 'ACCESS_KEY_LIMIT'})
    })
  })
})

/**
 * Makes the file store refuse writes while it can still be read: permissions for a normal
 * user; for root, who ignores them, the immutable attribute. Returns the undo.
 */
function makeReadOnly(dir: string): () => void {
  chmodSync(dir, 0o500)
  let immutable = false
  if (isWritable(dir)) {
    execFileSync('chattr', ['+i', dir])
    immutable = true
  }
  const undo = () => {
    if (immutable) execFileSync('chattr', ['-i', dir])
    chmodSync(dir, 0o700)
  }
  if (isWritable(dir)) {
    undo()
    throw new Error(`cannot make ${dir} read-only on this machine`)
  }
  return undo
}

function isWritable(dir: string): boolean {
  const probe = join(dir, '.write-probe')
  try {
    writeFileSync(probe, '')
  } catch {
    return false
  }
  try {
    unlinkSync(probe)
  } catch {
    rmSync(probe, {force: true})
  }
  return true
}
