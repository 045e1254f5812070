import {spawn} from 'node:child_process'
import {chmod, mkdir, readdir, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {expect} from 'chai'

import {TEMP_PREFIX} from '../src/atomic-write.ts'
import {decoder, encoder, keyringAt, PASSPHRASE, tempDir} from './support.ts'

const writer = new URL('fixtures/writer.ts', import.meta.url).pathname

interface Outcome {
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
}

function writerEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  return {...process.env, AWS_VAULT_FILE_PASSPHRASE: PASSPHRASE, ...settings}
}

async function runWriter(settings: Record<string, string>): Promise<Outcome> {
  const child = spawn(process.execPath, [writer], {env: writerEnv(settings), stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code, signal, stderr}))
  })
}

async function mode(path: string): Promise<string> {
  return ((await stat(path)).mode & 0o777).toString(8).padStart(4, '0')
}

describe('file backend: permissions under umask 000', function () {
  this.timeout(30_000)
  let store: Awaited<ReturnType<typeof tempDir>>

  beforeEach(async function () {
    store = await tempDir()
  })

  afterEach(async function () {
    await store.remove()
  })

  it('creates the directories 0700 and the item 0600', async function () {
    const dir = join(store.path, 'home', '.awsvault', 'keys')
    const outcome = await runWriter({STORE_DIR: dir, WRITER_UMASK: '000', WRITER_KEY: 'a/b'})
    expect(outcome.code, outcome.stderr).to.equal(0)
    expect(await mode(join(store.path, 'home'))).to.equal('0700')
    expect(await mode(join(store.path, 'home', '.awsvault'))).to.equal('0700')
    expect(await mode(dir)).to.equal('0700')
    expect(await mode(join(dir, 'a%2Fb'))).to.equal('0600')
  })

  it('tightens a looser existing directory, says so, and replaces a loose item file with a 0600 one', async function () {
    const dir = join(store.path, 'keys')
    await mkdir(dir)
    await chmod(dir, 0o777)
    await writeFile(join(dir, 'item'), 'placeholder')
    await chmod(join(dir, 'item'), 0o666)
    await keyringAt(dir).set({key: 'other', data: encoder.encode('x')})
    await chmod(dir, 0o777)

    const outcome = await runWriter({STORE_DIR: dir, WRITER_UMASK: '000', WRITER_KEY: 'item'})
    expect(outcome.code, outcome.stderr).to.equal(0)
    expect(outcome.stderr).to.match(/tightened .* from mode 0777 to 0700/)
    expect(await mode(dir)).to.equal('0700')
    expect(await mode(join(dir, 'item'))).to.equal('0600')
    expect(decoder.decode((await keyringAt(dir).get('item')).data)).to.equal('value')
  })
})

describe('file backend: crash safety', function () {
  this.timeout(180_000)
  let store: Awaited<ReturnType<typeof tempDir>>

  before(async function () {
    store = await tempDir()
  })

  after(async function () {
    await store.remove()
  })

  it('leaves the old or a new value after SIGKILL at random moments, never a broken or missing item', async function () {
    const dir = join(store.path, 'keys')
    await keyringAt(dir).set({key: 'item', data: encoder.encode('initial')})
    const writers = new Set<number>()
    const padding = 'p'.repeat(256 * 1024)

    for (let round = 0; round < 32; round++) {
      const child = spawn(process.execPath, [writer], {
        env: writerEnv({STORE_DIR: dir, WRITER_LOOP: '1'}),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)))
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve())
        child.once('exit', () => reject(new Error(`writer exited before writing: ${stderr}`)))
      })
      await sleep(Math.floor(Math.random() * 40))
      child.kill('SIGKILL')
      expect(await exited).to.equal('SIGKILL')

      if (child.pid !== undefined) writers.add(child.pid)

      // A fresh keyring each time: nothing cached from before the kill.
      const keyring = keyringAt(dir)
      const value = decoder.decode((await keyring.get('item')).data)
      if (value !== 'initial') {
        const [pid, counter, rest] = value.slice(2).split('-')
        expect(writers.has(Number(pid)), 'a value no writer wrote').to.equal(true)
        expect(counter).to.match(/^\d+$/)
        expect(rest === padding, 'a torn value').to.equal(true)
      }
      expect(await keyring.keys()).to.deep.equal(['item'])
    }

    // Only the item and temp files of killed writers remain; no item was ever lost.
    const names = await readdir(dir)
    expect(names.filter((name) => !name.startsWith(TEMP_PREFIX))).to.deep.equal(['item'])
  })
})
