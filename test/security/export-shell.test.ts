// `eval "$(vault export p --format export-env)"` runs what vault prints: credentials from a hostile
// STS or credential_process must never become commands. vault refuses values not shaped like AWS
// credentials with one line, and quotes what it prints for the shells that read it.
import {expect} from 'chai'
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {vaultBin} from '../helpers/cli.ts'
import {newSecretKey, registerSecret} from './support/transcript.ts'
import {World} from './support/world.ts'

const FORMATS = ['env', 'export-env', 'ini', 'json']

function installedShells(): string[] {
  return ['bash', 'zsh', 'fish'].filter((shell) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0)
}

describe('vault export and the shells that eval it (built binary)', function () {
  this.timeout(120_000)
  let world: World
  let credentialsFile: string
  let marker: string

  before(function () {
    world = new World()
    credentialsFile = join(world.home, 'process-output.json')
    marker = join(world.home, 'pwned')
    world.writeConfig(`[profile hostile]
region = eu-west-1
credential_process = cat ${credentialsFile}
`)
  })

  after(function () {
    world?.cleanup()
  })

  const answer = (fields: Record<string, string>) =>
    writeFileSync(
      credentialsFile,
      JSON.stringify({AccessKeyId: 'ASIAY34FZKBOKMUTVV7A', SecretAccessKey: newSecretKey(), Version: 1, ...fields}),
    )

  it('a credential_process answering with $(…), backticks, quotes or a line break: export refuses with one line in every format, and nothing runs', async function () {
    const attack = `touch ${marker}`
    const hostile: Array<Record<string, string>> = [
      {AccessKeyId: `ASIA$(${attack})`},
      {AccessKeyId: `ASIA\nexport X=1;${attack}`},
      {SecretAccessKey: `${newSecretKey()}\`${attack}\``},
      {SecretAccessKey: `${newSecretKey()}';${attack};'`},
      {SessionToken: `${registerSecret('session token', `IQo${newSecretKey()}`)}\n${attack}`},
      {SessionToken: `${registerSecret('session token', `IQo${newSecretKey()}`)} ; ${attack}`},
      {SessionToken: `${registerSecret('session token', `IQo${newSecretKey()}`)}"; ${attack}; echo "`},
    ]
    for (const fields of hostile) {
      answer(fields)
      for (const format of FORMATS) {
        const what = `${JSON.stringify(fields).slice(0, 60)} --format ${format}`
        const result = await world.run(['export', 'hostile', '--format', format], {credentialsOnStdout: true})
        // Whatever was printed is evaluated as a user would, in a shell.
        spawnSync('bash', ['-c', 'eval "$1"', '_', result.stdout], {cwd: world.home, stdio: 'ignore', timeout: 10_000})
        expect(existsSync(marker), `${what}: a command ran`).to.equal(false)
        expect(result.code, `${what}: ${result.stderr}`).to.equal(1)
        expect(result.stdout, what).to.equal('')
        // Refused where they arrive (before caching) or, at the latest, before printing.
        expect(result.stderr, what).to.match(
          /^vault: (refusing to print the credentials of profile "hostile"|refused the new credential_process session of hostile): the (access key id|secret access key|session token) /,
        )
        expect(
          result.stderr
            .trim()
            .split('\n')
            .filter((line) => !line.startsWith('Try this:')),
          what,
        ).to.have.length(1)
      }
    }
    rmSync(marker, {force: true})
  })

  it('what export-env prints gives each shell (bash, zsh, fish where installed) exactly the credentials, and env, ini and json hold them unchanged', async function () {
    const credentials = {
      AccessKeyId: 'ASIAY34FZKBOKMUTVV7A',
      Expiration: '2099-01-02T03:04:05Z',
      SecretAccessKey: `${newSecretKey().slice(0, 36)}+/=A`,
      SessionToken: registerSecret('session token', `IQoJb3JpZ2luX2Vj+/=${newSecretKey()}${newSecretKey()}==`),
    }
    answer(credentials)
    const expected = [credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken, credentials.Expiration, 'eu-west-1']
    const variables = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_REGION']
    const shells = installedShells()
    expect(shells).to.include('bash')
    for (const shell of shells) {
      const vault = `'${process.execPath}' '${vaultBin}' export hostile --format export-env`
      const print = variables.map((name) => `printf '%s\\n' "$${name}"`).join('; ')
      const script = shell === 'fish' ? `${vault} | source; ${print}` : `eval "$(${vault})"; ${print}`
      const argv = shell === 'fish' ? ['--no-config', '-c', script] : shell === 'zsh' ? ['-f', '-c', script] : ['--norc', '-c', script]
      const stdout = execFileSync(shell, argv, {cwd: world.home, encoding: 'utf8', env: world.env(), timeout: 30_000})
      expect(stdout.split('\n').slice(0, variables.length), shell).to.deep.equal(expected)
    }
    const env = await world.ok(['export', 'hostile', '--format', 'env'], {credentialsOnStdout: true})
    expect(env.stdout).to.include(`AWS_SESSION_TOKEN=${credentials.SessionToken}\n`)
    const ini = await world.ok(['export', 'hostile', '--format', 'ini'], {credentialsOnStdout: true})
    expect(ini.stdout).to.match(new RegExp(`^aws_secret_access_key *= *${credentials.SecretAccessKey.replace(/[+/]/g, '\\$&')}$`, 'm'))
    const json = await world.ok(['export', 'hostile', '--format', 'json'], {credentialsOnStdout: true})
    expect(JSON.parse(json.stdout)).to.deep.equal({...credentials, Version: 1})
  })
})
