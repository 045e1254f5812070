import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {once} from 'node:events'

import {fakeAccessKey, Sandbox, vaultBin} from '../helpers/cli.ts'

describe('vault exec (built binary)', () => {
  let sandbox: Sandbox
  const key = fakeAccessKey()

  beforeEach(async () => {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\nregion = eu-west-1\n\n[profile noregion]\n')
    await sandbox.addKey('work', key.accessKeyId, key.secretAccessKey)
    await sandbox.addKey('noregion', key.accessKeyId, key.secretAccessKey)
  })

  afterEach(() => sandbox.cleanup())

  it('gives the child the stored keys, AWS_VAULT and the region, and unsets stale AWS variables', async () => {
    const stale = {
      AWS_CREDENTIAL_FILE: 'x',
      AWS_DEFAULT_PROFILE: 'x',
      AWS_PROFILE: 'x',
      AWS_SDK_LOAD_CONFIG: '1',
      AWS_SECURITY_TOKEN: 'x',
      AWS_SESSION_TOKEN: 'stale-token',
      KEEP_ME: 'kept',
    }
    const result = await sandbox.run(['exec', 'work', '--no-session', '--', 'env'], {env: stale})
    expect(result.stderr).to.equal('')
    expect(result.code).to.equal(0)
    const env = Object.fromEntries(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    )
    expect(env.AWS_ACCESS_KEY_ID).to.equal(key.accessKeyId)
    expect(env.AWS_SECRET_ACCESS_KEY).to.equal(key.secretAccessKey)
    expect(env.AWS_VAULT).to.equal('work')
    expect(env.AWS_REGION).to.equal('eu-west-1')
    expect(env.AWS_DEFAULT_REGION).to.equal('eu-west-1')
    expect(env.KEEP_ME).to.equal('kept')
    for (const name of [
      'AWS_SESSION_TOKEN',
      'AWS_SECURITY_TOKEN',
      'AWS_CREDENTIAL_FILE',
      'AWS_DEFAULT_PROFILE',
      'AWS_PROFILE',
      'AWS_SDK_LOAD_CONFIG',
      'AWS_CREDENTIAL_EXPIRATION',
      'AWS_VAULT_FILE_PASSPHRASE',
    ]) {
      expect(env, name).not.to.have.property(name)
    }
  })

  it('sets no region variables when the profile has none', async () => {
    const result = await sandbox.run(['exec', 'noregion', '--no-session', '--', 'env'])
    expect(result.code).to.equal(0)
    expect(result.stdout).not.to.match(/^AWS_REGION=/m)
    expect(result.stdout).not.to.match(/^AWS_DEFAULT_REGION=/m)
  })

  it('takes the region from --region over the profile', async () => {
    const result = await sandbox.run(['exec', 'work', '--no-session', '--region', 'ap-south-1', '--', 'env'])
    expect(result.stdout).to.match(/^AWS_REGION=ap-south-1$/m)
  })

  it('passes arguments after -- untouched, flags included', async () => {
    const result = await sandbox.run(['exec', 'work', '--no-session', '--', 'sh', '-c', 'printf "%s|" "$@"', 'sh', '--region', 'x y', '-n'])
    expect(result.stdout).to.equal('--region|x y|-n|')
  })

  it("exits with the child's exit code", async () => {
    const result = await sandbox.run(['exec', 'work', '--no-session', '--', 'sh', '-c', 'exit 42'])
    expect(result.code).to.equal(42)
  })

  it('dies of the same signal as the child', async () => {
    const result = await sandbox.run(['exec', 'work', '--no-session', '--', 'sh', '-c', 'kill -TERM $$'])
    expect(result.signal).to.equal('SIGTERM')
  })

  it('forwards a signal it receives to the child', async () => {
    // SIGUSR2, not SIGUSR1: Node reserves SIGUSR1 for its inspector. The loop ends by itself so a lost
    // signal fails the test instead of leaving a process behind.
    const script = 'trap "echo got-usr2; exit 7" USR2; echo ready; i=0; while [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done; exit 99'
    const child = spawn(process.execPath, [vaultBin, 'exec', 'work', '--no-session', '--', 'sh', '-c', script], {
      env: sandbox.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000)
    let stdout = ''
    let sent = false
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes('ready') && !sent) {
        sent = true
        child.kill('SIGUSR2')
      }
    })
    const [code] = await once(child, 'close')
    clearTimeout(killer)
    expect(stdout).to.include('got-usr2')
    expect(code).to.equal(7)
  })

  it('runs $SHELL when no command is given', async () => {
    const result = await sandbox.run(['exec', 'work', '--no-session'], {input: 'echo "shell sees $AWS_VAULT"\nexit 3\n'})
    expect(result.stdout).to.include('shell sees work')
    expect(result.code).to.equal(3)
  })

  it('refuses to nest inside another vault session', async () => {
    const result = await sandbox.run(['exec', 'work', '--no-session', '--', 'true'], {env: {AWS_VAULT: 'other'}})
    expect(result.code).to.equal(2)
    expect(result.stderr).to.match(/^vault: running in an existing vault subshell for "other"$/m)
    expect(result.stderr).to.include('unset AWS_VAULT')
    expect(result.stdout).to.equal('')
  })

  it('prints credential_process JSON with --json', async () => {
    const result = await sandbox.run(['exec', 'work', '--no-session', '--json'])
    expect(result.code).to.equal(0)
    expect(JSON.parse(result.stdout)).to.deep.equal({AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey, Version: 1})
  })

  it('names the profile, the backend searched and the fix when no credentials are stored', async () => {
    sandbox.writeConfig('[profile empty]\n')
    const result = await sandbox.run(['exec', 'empty', '--no-session', '--', 'true'])
    expect(result.code).to.equal(3)
    expect(result.stderr.split('\n')[0]).to.equal(
      `vault: no credentials stored for profile "empty" in the "file" backend (${sandbox.keysDir})`,
    )
    expect(result.stderr).to.include('vault add empty')
    expect(result.stderr).not.to.include('chosen automatically')
    expect(result.stderr).not.to.match(/\n\s+at /)
    // Chosen without being named: the message says so, and how to name another.
    const automatic = await sandbox.run(['export', 'empty', '--no-session'], {env: {AWS_VAULT_BACKEND: undefined}})
    expect(automatic.code).to.equal(3)
    expect(automatic.stderr).to.match(/^vault: no credentials stored for profile "empty" in the "[a-z-]+" backend/)
    expect(automatic.stderr).to.include('that backend was chosen automatically: name another with --backend or AWS_VAULT_BACKEND')
  })

  it('reports a command that does not exist', async () => {
    const result = await sandbox.run(['exec', 'work', '--no-session', '--', 'no-such-command-xyz'])
    expect(result.code).to.equal(1)
    expect(result.stderr).to.match(/^vault: cannot run "no-such-command-xyz": not found$/m)
  })

  it('rejects a bad --duration with one line', async () => {
    const result = await sandbox.run(['exec', 'work', '--duration', 'soon', '--', 'true'])
    expect(result.code).to.equal(2)
    expect(result.stderr.split('\n')[0]).to.equal('vault: --duration "soon" is not a duration')
  })
})
