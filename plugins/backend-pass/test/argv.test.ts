import {randomBytes} from 'node:crypto'
import {chmod, mkdir, readdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {setImmediate as yieldToLoop} from 'node:timers/promises'

import {expect} from 'chai'

import {backendContext} from '@vault-aws/cli/plugin-testkit'
import {decoder, encoder, openKeyring, passFixture} from './support.ts'
import type {PassFixture} from './support.ts'

// Wrappers placed ahead of the real programs on PATH: each records its argv and environment
// (NUL-separated) before running the real one. The pass wrapper also holds an insert until
// the test has seen it in /proc, so the scan below provably covers a running write.
function recorder(real: string, hold: boolean): string {
  return `#!/bin/sh
call=$(mktemp "$SHIM_DIR/calls/call.XXXXXX")
printf '%s\\0' "$0" "$@" > "$call.argv"
env -0 > "$call.env"
${
  hold
    ? `if [ "$1" = insert ]; then
  : > "$SHIM_DIR/held"
  i=0
  while [ ! -e "$SHIM_DIR/go" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
fi`
    : ''
}
exec ${real} "$@"
`
}

async function processCommandLines(): Promise<string[]> {
  const lines: string[] = []
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    const cmdline = await readFile(`/proc/${pid}/cmdline`).catch(() => undefined)
    if (cmdline !== undefined && cmdline.length > 0) lines.push(cmdline.toString('utf8').replaceAll('\0', ' '))
  }
  return lines
}

describe('pass backend: secrets never in argv', function () {
  this.timeout(60_000)
  let fixture: PassFixture
  let shimDir: string

  before(async function () {
    fixture = await passFixture('argv')
    shimDir = join(fixture.root, 'shims')
    await mkdir(join(shimDir, 'calls'), {recursive: true})
    for (const [name, hold] of [
      ['pass', true],
      ['gpg', false],
    ] as const) {
      const real = backendContext({env: {PATH: process.env.PATH}}).findExecutable(name)
      if (real === undefined) throw new Error(`${name} is not installed`)
      await writeFile(join(shimDir, name), recorder(real, hold))
      await chmod(join(shimDir, name), 0o755)
    }
  })

  after(async function () {
    await fixture?.remove()
  })

  it('hands a large item to pass on stdin: no process argv or environment carries it', async function () {
    const secretKey = `wJalrXUtnFEMI/K7MDENG/${randomBytes(12).toString('hex')}`
    const padding = randomBytes(512 * 1024).toString('hex')
    const data = `{"AccessKeyID":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"${secretKey}","Padding":"${padding}"}`
    const encoded = Buffer.from(data).toString('base64')
    // The secret as it may travel: raw, and inside the item JSON's base64 at any alignment.
    const needles = [secretKey, padding.slice(0, 64), encoded.slice(0, 64), encoded.slice(400_000, 400_064)]

    const env = {...fixture.env({AWS_VAULT_PASS_PREFIX: 'aws-vault'}), PATH: `${shimDir}:${process.env.PATH}`, SHIM_DIR: shimDir}
    const keyring = await openKeyring(env)
    let finished = false
    const writing = keyring.set({key: 'argv-check', data: encoder.encode(data)}).finally(() => (finished = true))

    const seen = new Set<string>()
    let sawHeldInsert = false
    while (!finished) {
      for (const line of await processCommandLines()) {
        seen.add(line)
        if (!sawHeldInsert && line.includes(join(shimDir, 'pass')) && line.includes('insert')) {
          sawHeldInsert = true
          await writeFile(join(shimDir, 'go'), '')
        }
      }
      await yieldToLoop()
    }
    await writing

    expect(sawHeldInsert, 'the /proc scan saw the running pass insert').to.equal(true)
    for (const line of seen) for (const needle of needles) expect(line.includes(needle), `argv of ${line.slice(0, 120)}`).to.equal(false)

    const calls = (await readdir(join(shimDir, 'calls'))).filter((name) => name.endsWith('.argv'))
    const argvs: string[][] = []
    for (const name of calls) {
      const argv = (await readFile(join(shimDir, 'calls', name), 'utf8')).split('\0').slice(0, -1)
      const environ = await readFile(join(shimDir, 'calls', name.replace(/\.argv$/, '.env')), 'utf8')
      argvs.push(argv)
      for (const needle of needles) {
        expect(argv.join(' ').includes(needle), `argv of ${argv.join(' ').slice(0, 120)}`).to.equal(false)
        expect(environ.includes(needle), `environment of ${argv[0]}`).to.equal(false)
      }
    }
    // The entry is written beside its place, then renamed over it: only names on the command lines.
    const writes = argvs.filter((argv) => argv[1] === 'insert' || argv[1] === 'mv').map((argv) => argv.slice(1))
    const temporary = writes.find((argv) => argv[0] === 'insert')?.[4] ?? ''
    expect(temporary).to.match(/^aws-vault\/\.vault-write-[0-9a-f]{16}$/)
    expect(writes).to.have.deep.members([
      ['insert', '-m', '-f', '--', temporary],
      ['mv', '-f', '--', temporary, 'aws-vault/argv-check'],
    ])
    expect(
      argvs.some((argv) => argv[0]?.endsWith('/gpg') && argv.includes('-e')),
      'gpg encrypted through the recorder',
    ).to.equal(true)

    expect(decoder.decode((await keyring.get('argv-check')).data)).to.equal(data)
  })
})
