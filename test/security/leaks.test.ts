// No secret leaks: secret keys, session tokens, passphrases and MFA codes never appear in any
// process's argv, in the environment of the helpers vault starts, in --debug output, in error
// messages, or in files outside the store.
import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {readdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {vaultBin} from '../helpers/cli.ts'
import {startEmulator, type Emulator} from '../helpers/emulator.ts'
import {Gate} from './support/gate.ts'
import {createPassStore, linkPassBackend, type PassStore} from './support/pass-store.ts'
import {ProcWatch, type SeenProcess} from './support/proc-watch.ts'
import {listFiles} from './support/stores.ts'
import {leaks, newPassphrase, newSecretKey, registerCredentials, registerSecret, secretsIn, transcriptSize} from './support/transcript.ts'
import {fakeAccessKeyId, World} from './support/world.ts'

const CHILD_MARKER = 'vault-security-child'

interface ProcessCredentials {
  AccessKeyId: string
  SecretAccessKey: string
  SessionToken?: string
}

function parseCredentials(stdout: string): ProcessCredentials {
  const credentials = JSON.parse(stdout) as ProcessCredentials
  registerCredentials(credentials)
  return credentials
}

// Run by `vault exec --ecs-server/--ec2-server`: prints its environment and what the server gave it.
const SERVER_CHILD = `
const ecs = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI
let served
if (ecs) {
  served = await (await fetch(ecs, {headers: {Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN}})).json()
} else {
  const base = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT
  const token = await (await fetch(base + 'latest/api/token', {method: 'PUT', headers: {'x-aws-ec2-metadata-token-ttl-seconds': '60'}})).text()
  const headers = {'x-aws-ec2-metadata-token': token}
  const role = (await (await fetch(base + 'latest/meta-data/iam/security-credentials/', {headers})).text()).trim()
  served = await (await fetch(base + 'latest/meta-data/iam/security-credentials/' + role, {headers})).json()
}
console.log(JSON.stringify({env: process.env, served: {AccessKeyId: served.AccessKeyId, SecretAccessKey: served.SecretAccessKey, SessionToken: served.Token}}))
`

function isVault(process: SeenProcess): boolean {
  return process.argv[1] === vaultBin
}

describe('no secret leaks (built binary)', function () {
  this.timeout(180_000)
  let aws: Emulator
  let fixtures: string
  let world: World
  let passWorld: World
  let pass: PassStore
  let watch: ProcWatch
  let gate: Gate
  const started = Date.now()

  before(async function () {
    aws = await startEmulator({roles: [{name: 'admin'}], users: [{mfa: true, name: 'alice'}, {name: 'bob'}]})
    for (const user of ['alice', 'bob']) registerSecret('long-term secret key', aws.credentials(user).secretAccessKey)
    fixtures = mkdtempSync(join(tmpdir(), 'vault-security-fixtures-'))
    watch = new ProcWatch()
    gate = new Gate(join(fixtures, 'gate'), watch)

    world = new World()
    world.extraEnv.AWS_ENDPOINT_URL = aws.url
    const mfa = gate.mfaProcess(join(fixtures, 'mfa.sh'), join(fixtures, 'code'))
    world.writeConfig(`[profile alice]
region = eu-west-1
mfa_serial = ${aws.user('alice').mfaSerial}
mfa_process = ${mfa}

[profile admin]
region = eu-west-1
source_profile = alice
role_arn = ${aws.role('admin').arn}
`)

    passWorld = new World()
    passWorld.extraEnv.AWS_ENDPOINT_URL = aws.url
    pass = await createPassStore(passWorld)
    Object.assign(passWorld.extraEnv, pass.env)
    linkPassBackend(passWorld)
    const realPass = (await import('node:child_process')).execFileSync('sh', ['-c', 'command -v pass']).toString().trim()
    const realGpg = (await import('node:child_process')).execFileSync('sh', ['-c', 'command -v gpg']).toString().trim()
    const shims = join(fixtures, 'bin')
    gate.shim(shims, 'pass', realPass)
    gate.shim(shims, 'gpg', realGpg)
    passWorld.extraEnv.PATH = `${shims}:${process.env.PATH}`
    passWorld.writeConfig(`[profile bob]
region = eu-west-1
`)
  })

  after(async function () {
    gate?.stop()
    await watch?.stop()
    await pass?.stopAgent()
    await aws?.stop()
    world?.cleanup()
    passWorld?.cleanup()
    rmSync(fixtures, {force: true, recursive: true})
  })

  it('argv of every process and the environment of every helper (mfa_process, pass, gpg, gpg-agent) hold no secret while vault runs', async function () {
    watch.start()
    gate.start()
    try {
      const alice = aws.credentials('alice')
      await world.addKey('alice', alice.accessKeyId, alice.secretAccessKey)
      writeFileSync(join(fixtures, 'code'), `${registerSecret('MFA code', aws.totp(aws.user('alice').mfaSerial!))}\n`)
      parseCredentials((await world.ok(['exec', 'admin', '--json', '--debug'], {credentialsOnStdout: true})).stdout)
      const child = await world.ok(['exec', 'alice', '--debug', '--', '/bin/sh', '-c', 'sleep 0.3; env', CHILD_MARKER], {
        credentialsOnStdout: true,
      })
      expect(child.stdout).to.include('AWS_SESSION_TOKEN=')

      // The pass backend, with secrets in vault's own environment that none of its helpers needs.
      const bob = aws.credentials('bob')
      const secretsAround = {
        AWS_SESSION_TOKEN: registerSecret('session token', `IQo${newSecretKey()}`),
        AWS_VAULT_FILE_PASSPHRASE: newPassphrase(),
      }
      await passWorld.addKey('bob', bob.accessKeyId, bob.secretAccessKey, ['--no-add-config', '--debug'])
      parseCredentials((await passWorld.ok(['exec', 'bob', '--json', '--debug'], {credentialsOnStdout: true, env: secretsAround})).stdout)
      // The session is read back from pass: gpg decrypts, and starts gpg-agent.
      parseCredentials((await passWorld.ok(['exec', 'bob', '--json', '--debug'], {credentialsOnStdout: true, env: secretsAround})).stdout)
      const agent = await watch.waitFor(
        (argv) => argv.some((arg) => arg.endsWith('gpg-agent')) && argv.includes(pass.gnupgHome),
        'the gpg-agent started for the store',
      )
      expect(
        agent.environ.some((entry) => entry.startsWith('GNUPGHOME=')),
        'the environment of gpg-agent was read',
      ).to.equal(true)
    } finally {
      gate.stop()
    }
    const seen = await watch.stop()

    const saw = (what: (process: SeenProcess) => boolean) => seen.some(what)
    expect(saw(isVault), 'vault itself').to.equal(true)
    expect(
      saw((process) => process.argv.includes(join(fixtures, 'mfa.sh'))),
      'the mfa_process',
    ).to.equal(true)
    expect(
      saw((process) => process.argv.includes(join(fixtures, 'bin', 'pass'))),
      'pass',
    ).to.equal(true)
    expect(
      saw((process) => process.argv.includes(join(fixtures, 'bin', 'gpg'))),
      'gpg',
    ).to.equal(true)
    expect(
      saw((process) => process.argv.includes(CHILD_MARKER)),
      'the child of vault exec',
    ).to.equal(true)
    expect(gate.released(), 'helpers held until the scan saw them').to.be.greaterThan(3)

    const problems: string[] = []
    for (const process of seen) {
      const argv = process.argv.join(' ')
      for (const kind of secretsIn(argv)) problems.push(`${kind} in the argv of ${argv.slice(0, 100)}`)
      if (isVault(process)) continue
      // The child of exec gets credentials by design, and nothing else secret.
      const environ = process.environ.join('\n')
      const found = process.argv.includes(CHILD_MARKER) ? secretsIn(environ, true) : secretsIn(environ)
      for (const kind of found) problems.push(`${kind} in the environment of ${argv.slice(0, 100)}`)
    }
    expect(problems.join('\n'), `${seen.length} processes seen in ${watch.rounds} rounds`).to.equal('')
  })

  it('--debug output and error messages hold no secret, whatever fails', async function () {
    const runs: Array<{args: string[]; env?: Record<string, string>; fails?: boolean}> = []
    const failing = (args: string[], env?: Record<string, string>) => runs.push({args: [...args, '--debug'], env, fails: true})
    const working = (args: string[], env?: Record<string, string>) => runs.push({args: [...args, '--debug'], env})

    working(['list'])
    working(['list', '--json'])
    working(['describe', 'admin'])
    working(['clear'])
    // A wrong passphrase, a missing profile, missing or mistyped keys.
    failing(['exec', 'alice', '--json'], {AWS_VAULT_FILE_PASSPHRASE: newPassphrase()})
    failing(['exec', 'nobody', '--json'])
    failing(['add', 'half', '--env'], {AWS_SECRET_ACCESS_KEY: newSecretKey()})
    failing(['add', 'wrong-passphrase', '--env'], {
      AWS_ACCESS_KEY_ID: fakeAccessKeyId(),
      AWS_SECRET_ACCESS_KEY: newSecretKey(),
      AWS_VAULT_FILE_PASSPHRASE: newPassphrase(),
    })
    for (const run of runs) {
      const result = await world.run(run.args, {env: run.env})
      expect(result.code !== 0, `${run.args.join(' ')}: ${result.stderr}`).to.equal(Boolean(run.fails))
    }

    // STS refuses: a wrong MFA code, keys AWS does not know, a wrong secret, an injected failure.
    writeFileSync(join(fixtures, 'code'), `${registerSecret('MFA code', String(100000 + Math.floor(Math.random() * 900000)))}\n`)
    watch.start()
    gate.start()
    try {
      const wrongCode = await world.run(['exec', 'alice', '--json', '--debug'])
      expect(wrongCode.code, wrongCode.stderr).to.not.equal(0)
      await world.addKey('stranger', fakeAccessKeyId(), newSecretKey(), ['--no-add-config'])
      await world.addKey('wrong-secret', aws.credentials('bob').accessKeyId, newSecretKey(), ['--no-add-config'])
      for (const profile of ['stranger', 'wrong-secret']) {
        const refused = await world.run(['exec', profile, '--json', '--debug'])
        expect(refused.code, refused.stderr).to.not.equal(0)
        expect(refused.stderr).to.match(/^vault: /m)
      }
      aws.fail('GetSessionToken', {code: 'AccessDenied', message: 'not today'})
      const denied = await world.run(['exec', 'wrong-secret', '--json'])
      aws.clearFaults()
      expect(denied.code).to.not.equal(0)
    } finally {
      gate.stop()
      await watch.stop()
    }

    // A secret pasted into the config: the parser's complaint and describe's listing keep it out.
    const pasted = newSecretKey()
    const original = readFileSync(world.configFile, 'utf8')
    writeFileSync(world.configFile, `${original}\n[profile pasted]\n${pasted}\n`)
    const malformed = await world.run(['list', '--debug'])
    expect(malformed.code).to.equal(78)
    expect(malformed.stderr).to.match(/line \d+/)
    const misplaced = newSecretKey()
    const token = registerSecret('session token', `FwoG${newSecretKey()}${newSecretKey()}`)
    writeFileSync(
      world.configFile,
      `${original}\n[profile misplaced]\nsource_profile = alice\naws_secret_access_key = ${misplaced}\naws_session_token = ${token}\n`,
    )
    try {
      const described = await world.run(['describe', 'misplaced', '--debug'])
      expect(described.code, described.stderr).to.equal(0)
      expect(described.stdout).to.include('aws_secret_access_key')
    } finally {
      writeFileSync(world.configFile, original)
    }

    // A credential_process that prints secrets and then fails, or prints them as no JSON at all.
    const processKey = newSecretKey()
    writeFileSync(join(fixtures, 'process-secret'), processKey)
    writeFileSync(
      world.configFile,
      `${original}
[profile fails-after-printing]
credential_process = /bin/sh -c 'printf "{\\"Version\\":1,\\"AccessKeyId\\":\\"AKIAEXAMPLE\\",\\"SecretAccessKey\\":\\"%s\\"}" "$(cat ${join(fixtures, 'process-secret')})"; exit 3'
[profile not-json]
credential_process = /bin/sh -c 'printf "SecretAccessKey=%s" "$(cat ${join(fixtures, 'process-secret')})"'
`,
    )
    try {
      for (const profile of ['fails-after-printing', 'not-json']) {
        const result = await world.run(['exec', profile, '--json', '--debug'])
        expect(result.code, result.stderr).to.not.equal(0)
      }
    } finally {
      writeFileSync(world.configFile, original)
    }

    expect(leaks().join('\n'), `${transcriptSize().runs} runs scanned`).to.equal('')
  })

  it('the child of a server mode gets no key, session credentials or passphrase in its environment, only where and how to ask', async function () {
    const bob = aws.credentials('bob')
    await world.addKey('bob', bob.accessKeyId, bob.secretAccessKey)
    const child = join(fixtures, 'server-child.mjs')
    writeFileSync(child, SERVER_CHILD)
    for (const mode of [['--ecs-server'], ['--ec2-server', '--ec2-address', '127.0.0.1:0']]) {
      const result = await world.ok(['exec', 'bob', ...mode, '--debug', '--', process.execPath, child], {credentialsOnStdout: true})
      const {env, served} = JSON.parse(result.stdout) as {env: Record<string, string>; served: ProcessCredentials}
      registerCredentials(served)
      expect(served.AccessKeyId, `${mode[0]} served credentials`).to.match(/^ASIA/)
      const names = Object.keys(env)
      expect(names).to.not.include.members([
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_SECURITY_TOKEN',
        'AWS_VAULT_FILE_PASSPHRASE',
      ])
      expect(names).to.include(mode[0] === '--ecs-server' ? 'AWS_CONTAINER_AUTHORIZATION_TOKEN' : 'AWS_EC2_METADATA_SERVICE_ENDPOINT')
      expect(secretsIn(JSON.stringify(env)), `${mode[0]}: the child's environment`).to.deep.equal([])
    }
  })

  it('no file outside the store holds a secret (HOME, TMPDIR, /dev/shm), and the stores hold only ciphertext', async function () {
    const files = [...listFiles(world.home), ...listFiles(passWorld.home), ...(await recentFiles('/dev/shm', started))]
    const problems: string[] = []
    for (const file of files) {
      const size = statSync(file).size
      if (size > 16 * 1024 * 1024) continue
      const text = readFileSync(file).toString('latin1')
      for (const kind of secretsIn(text)) problems.push(`${kind} in ${file}`)
    }
    expect(files.length).to.be.greaterThan(5)
    expect(problems.join('\n')).to.equal('')
  })

  it('everything vault printed in this file holds none of the test secrets', function () {
    const size = transcriptSize()
    expect(size.runs).to.be.greaterThan(20)
    expect(leaks().join('\n'), `${size.runs} runs, ${size.bytes} bytes, ${size.secrets} secrets`).to.equal('')
  })
})

async function recentFiles(dir: string, since: number): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        const info = statSync(path)
        return info.isFile() && info.mtimeMs >= since
      } catch {
        return false
      }
    })
}
