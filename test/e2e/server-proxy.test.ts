// `vault proxy` binds 169.254.169.254:80 and changes the loopback interface, so it runs here in a
// network namespace of its own (root and `ip netns` needed), never on the machine's network.
import {expect} from 'chai'
import {execFileSync, spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {once} from 'node:events'
import {pathToFileURL} from 'node:url'
import {join} from 'node:path'

import {repoRoot, Sandbox, vaultBin} from '../helpers/cli.ts'
import {patient} from '../helpers/patience.ts'
import {sleep} from './server-world.ts'

const emulatorProgram = `
import {startEmulator} from ${JSON.stringify(pathToFileURL(join(repoRoot, 'test', 'helpers', 'emulator.ts')).href)}
const aws = await startEmulator({users: [{name: 'bob'}]})
process.stdout.write(JSON.stringify({url: aws.url, ...aws.credentials('bob')}) + '\\n')
process.stdin.resume()
process.stdin.on('end', () => aws.stop().then(() => process.exit(0)))
`

/** A process started inside the namespace, with its output collected. */
class Spawned {
  readonly child: ChildProcessWithoutNullStreams
  stdout = ''
  stderr = ''
  readonly closed: Promise<[number | null, NodeJS.Signals | null]>

  constructor(namespace: string, command: string[], env: Record<string, string>) {
    this.child = spawn('ip', ['netns', 'exec', namespace, ...command], {env})
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()))
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()))
    this.closed = once(this.child, 'close') as Promise<[number | null, NodeJS.Signals | null]>
  }

  async waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + patient(timeoutMs)
    for (;;) {
      const match = this[stream].match(pattern)
      if (match) return match
      if (this.child.exitCode !== null) throw new Error(`ended before ${pattern}: ${this.stderr}`)
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}: ${this.stderr}`)
      await sleep(25)
    }
  }
}

describe('vault proxy (built binary, in a network namespace)', function () {
  this.timeout(90_000)
  const namespace = `vault-proxy-${process.pid}`
  const sandbox = new Sandbox()
  const started: Spawned[] = []
  let emulator: Spawned
  let url = ''

  const inNamespace = (args: string[], env: Record<string, string | undefined> = {}) => {
    const process_ = new Spawned(namespace, args, sandbox.env({AWS_ENDPOINT_URL: url, ...env}))
    started.push(process_)
    return process_
  }
  const vault = (args: string[], env: Record<string, string | undefined> = {}) => inNamespace([process.execPath, vaultBin, ...args], env)
  const loopbackAddresses = () =>
    execFileSync('ip', ['netns', 'exec', namespace, 'ip', '-4', '-o', 'addr', 'show', 'dev', 'lo'], {encoding: 'utf8'})

  before(async () => {
    execFileSync('ip', ['netns', 'add', namespace])
    execFileSync('ip', ['netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up'])
    emulator = new Spawned(namespace, [process.execPath, '--input-type=module', '-e', emulatorProgram], sandbox.env())
    const [line] = await emulator.waitFor('stdout', /^\{.*\}\n/)
    const seeded = JSON.parse(line) as {url: string; accessKeyId: string; secretAccessKey: string}
    url = seeded.url
    sandbox.writeConfig('[profile bob]\nregion = eu-west-1\n')
    await sandbox.addKey('bob', seeded.accessKeyId, seeded.secretAccessKey)
  })

  after(async () => {
    for (const process_ of started) if (process_.child.exitCode === null) process_.child.kill('SIGKILL')
    emulator.child.stdin.end()
    await emulator.closed
    execFileSync('ip', ['netns', 'del', namespace])
    sandbox.cleanup()
  })

  it('refuses to start without root, naming sudo', async () => {
    // HOME where nobody finds no files rather than root's unreadable ones.
    const result = inNamespace(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, vaultBin, 'proxy'], {
      HOME: '/nonexistent',
    })
    const [code] = await result.closed
    expect(code).to.equal(1)
    expect(result.stderr.split('\n')[0]).to.equal(
      'vault: the metadata proxy needs root: it adds 169.254.169.254 to the loopback interface and listens on port 80',
    )
    expect(result.stderr).to.include('Try this: sudo vault proxy')
    expect(loopbackAddresses()).not.to.include('169.254.169.254')
  })

  it('says so when --stop finds no proxy', async () => {
    const stop = vault(['proxy', '--stop'])
    const [code] = await stop.closed
    expect(code).to.equal(1)
    expect(stop.stderr.split('\n')[0]).to.equal('vault: no metadata proxy answers on 169.254.169.254:80')
  })

  it('serves 169.254.169.254:80 to a program that ignores AWS_EC2_METADATA_SERVICE_ENDPOINT, refuses foreign Hosts, stops on --stop', async () => {
    const proxy = vault(['proxy'])
    await proxy.waitFor('stderr', /metadata proxy on 169\.254\.169\.254:80/)
    expect(loopbackAddresses()).to.include('169.254.169.254/24')

    // IMDSv2 through the proxy, then the same with a foreign Host: one line per answer.
    const probe = `
      const ask = (method, path, headers) => new Promise((resolve) => {
        const sent = require('node:http').request({headers, host: '169.254.169.254', method, path}, (answer) => {
          let body = ''
          answer.on('data', (chunk) => (body += chunk))
          answer.on('end', () => resolve({body, status: answer.statusCode}))
        })
        sent.on('error', (error) => resolve({body: error.message, status: 'error'}))
        sent.end()
      })
      ;(async () => {
        const token = await ask('PUT', '/latest/api/token', {'X-aws-ec2-metadata-token-ttl-seconds': '60'})
        const own = await ask('GET', '/latest/meta-data/instance-id', {'X-aws-ec2-metadata-token': token.body})
        const foreign = await ask('GET', '/latest/meta-data/instance-id', {Host: 'attacker.example', 'X-aws-ec2-metadata-token': token.body})
        console.log([token.status, own.status + ' ' + own.body, foreign.status + ' ' + foreign.body].join('\\n'))
      })()
    `
    const beforeServer = inNamespace([process.execPath, '-e', probe])
    await beforeServer.closed
    expect(beforeServer.stdout.split('\n').slice(0, 3)).to.deep.equal([
      '502',
      '502 no EC2 metadata server answers on 127.0.0.1:9099: start one with vault exec --ec2-server',
      '401 Access denied for host "attacker.example"',
    ])

    // The default address of --ec2-server is where the proxy forwards.
    const cli = `unset AWS_EC2_METADATA_SERVICE_ENDPOINT; /usr/bin/aws sts get-caller-identity --endpoint-url ${url} --query Arn --output text && "$NODE" -e "$PROBE"`
    const exec = vault(['exec', 'bob', '--ec2-server', '--', 'sh', '-c', cli], {NODE: process.execPath, PROBE: probe})
    const [execCode] = await exec.closed
    expect(execCode, exec.stderr).to.equal(0)
    expect(exec.stdout.trim().split('\n')).to.deep.equal([
      'arn:aws:iam::123456789012:user/bob',
      '200',
      '200 vault',
      '401 Access denied for host "attacker.example"',
    ])

    const stop = vault(['proxy', '--stop'])
    expect((await stop.closed)[0], stop.stderr).to.equal(0)
    expect((await proxy.closed)[0]).to.equal(0)
    expect(loopbackAddresses()).not.to.include('169.254.169.254')
  })

  it('stops on SIGTERM and leaves an alias it did not add', async () => {
    execFileSync('ip', ['netns', 'exec', namespace, 'ip', 'addr', 'add', '169.254.169.254/24', 'dev', 'lo', 'label', 'lo:0'])
    const proxy = vault(['proxy'])
    await proxy.waitFor('stderr', /metadata proxy on 169\.254\.169\.254:80/)
    proxy.child.kill('SIGTERM')
    expect((await proxy.closed)[0]).to.equal(0)
    expect(loopbackAddresses()).to.include('169.254.169.254/24')
    execFileSync('ip', ['netns', 'exec', namespace, 'ip', 'addr', 'del', '169.254.169.254/24', 'dev', 'lo', 'label', 'lo:0'])
  })
})
