import {execFile, spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {expect} from 'chai'

import {CHUNK_PREFIX} from '../src/chunks.ts'
import backends from '../src/hooks/backends.ts'
import {context, dropRing, keyctl, requireKeyctl, ringId, testRing} from './support.ts'

const run = promisify(execFile)
requireKeyctl()
const [descriptor] = await backends()
if (descriptor === undefined) throw new Error('the hook returned no backend')
const decoder = new TextDecoder()

describe('keyctl backend: layout, possession and availability on the real kernel keyring', function () {
  this.timeout(60_000)
  let ring: string
  const open = (env: Record<string, string> = {}) => descriptor.open(context({AWS_VAULT_KEYCTL_KEYRING: ring, ...env}))

  beforeEach(function () {
    ring = testRing()
  })

  afterEach(function () {
    dropRing(ring)
  })

  it("keeps items where aws-vault's keyctl backend looks: a named keyring in the user keyring, one user key per item", async function () {
    await (await open()).set({key: 'work', data: new TextEncoder().encode('{"AccessKeyID":"AKIAKEYCTL"}'), label: 'aws-vault (work)'})
    const id = ringId(ring)
    expect(id).to.match(/^\d+$/)
    const children = keyctl(['rlist', id!]).trim().split(' ')
    expect(children).to.have.length(1)
    expect(keyctl(['rdescribe', children[0]!]).trim()).to.match(/^user;\d+;\d+;[0-9a-f]{8};work$/)
    const payload = JSON.parse(keyctl(['pipe', children[0]!])) as {Key: string; Data: string; Label: string}
    expect(payload.Key).to.equal('work')
    expect(Buffer.from(payload.Data, 'base64').toString('utf8')).to.equal('{"AccessKeyID":"AKIAKEYCTL"}')
    expect(payload.Label).to.equal('aws-vault (work)')
  })

  it('reads a key holding raw data, as aws-vault writes its items there', async function () {
    const keyring = await open()
    await keyring.set({key: 'first', data: new Uint8Array([1])})
    keyctl(['padd', 'user', 'legacy', ringId(ring)!], '{"AccessKeyID":"AKIARAW","SecretAccessKey":"raw"}')
    expect(await keyring.keys()).to.deep.equal(['first', 'legacy'])
    expect(decoder.decode((await keyring.get('legacy')).data)).to.equal('{"AccessKeyID":"AKIARAW","SecretAccessKey":"raw"}')
  })

  it('reads its items from a session that does not hold the user keyring, where a plain keyctl read is refused', async function () {
    await (await open()).set({key: 'work', data: new TextEncoder().encode('from another session')})
    const keyId = keyctl(['search', ringId(ring)!, 'user', 'work']).trim()
    // What aws-vault's backend would do from such a session (ssh, sudo, a service): read without possession.
    const plain = spawnSync('keyctl', ['session', '-', 'keyctl', 'pipe', keyId], {encoding: 'utf8'})
    expect(plain.status).to.not.equal(0)
    expect(plain.stderr).to.match(/Permission denied/)

    const script = `const {default: backends} = await import(${JSON.stringify(join(import.meta.dirname, '..', 'src', 'hooks', 'backends.ts'))});
const {context} = await import(${JSON.stringify(join(import.meta.dirname, 'support.ts'))});
const [descriptor] = await backends();
const keyring = await descriptor.open(context({AWS_VAULT_KEYCTL_KEYRING: ${JSON.stringify(ring)}}));
process.stdout.write(new TextDecoder().decode((await keyring.get('work')).data));`
    const {stdout} = await run('keyctl', ['session', '-', process.execPath, '--input-type=module', '-e', script])
    expect(stdout).to.equal('from another session')
  })

  it('leaves no chunk behind when a large item is replaced by a small one or removed', async function () {
    const keyring = await open()
    await keyring.set({key: 'big', data: new Uint8Array(100_000).fill(7)})
    const count = () =>
      keyctl(['rlist', ringId(ring)!])
        .trim()
        .split(' ')
        .filter(Boolean).length
    expect(count()).to.be.greaterThan(4)
    await keyring.set({key: 'big', data: new Uint8Array([1, 2, 3])})
    expect(count()).to.equal(1)
    await keyring.set({key: 'big', data: new Uint8Array(70_000).fill(9)})
    await keyring.remove('big')
    expect(count()).to.equal(0)
    expect(await keyring.keys()).to.deep.equal([])
  })

  it('never lists chunk keys and refuses keys that would look like one', async function () {
    const keyring = await open()
    await keyring.set({key: 'big', data: new Uint8Array(40_000)})
    expect(await keyring.keys()).to.deep.equal(['big'])
    let failure: unknown
    await keyring.set({key: `${CHUNK_PREFIX}x`, data: new Uint8Array(1)}).catch((error: unknown) => (failure = error))
    expect(failure).to.be.instanceOf(TypeError)
  })

  it('loses no item when several processes create the keyring at once', async function () {
    const writer = join(import.meta.dirname, 'fixtures-writer.ts')
    const groups = Array.from({length: 4}, (_, process_) => Array.from({length: 3}, (_, item) => `p${process_}-k${item}`))
    await Promise.all(
      groups.map((keys) =>
        run(process.execPath, [writer], {env: {...process.env, AWS_VAULT_KEYCTL_KEYRING: ring, WRITER_KEYS: keys.join(',')}}),
      ),
    )
    const keyring = await open()
    expect(await keyring.keys()).to.deep.equal(groups.flat().sort())
    for (const key of groups.flat()) expect(decoder.decode((await keyring.get(key)).data)).to.equal(`${key}-value`)
  })

  it('says why it is or is not available', async function () {
    const available = await descriptor.isAvailable(context({AWS_VAULT_KEYCTL_KEYRING: ring}))
    expect(available).to.deep.equal({available: true, reason: `keyring "${ring}" in the user kernel keyring; emptied by a reboot`})
    expect(await descriptor.isAvailable(context({AWS_VAULT_KEYCTL_SCOPE: 'thread'}))).to.deep.equal({
      available: false,
      reason: 'AWS_VAULT_KEYCTL_SCOPE "thread" is not one of user, persistent',
    })
    expect(await descriptor.isAvailable(context({PATH: '/nonexistent'}))).to.deep.equal({
      available: false,
      reason: 'no keyctl command: install keyutils (Debian package "keyutils")',
    })
    const {keyctlAvailability} = await import('../src/availability.ts')
    expect((await keyctlAvailability(context({}), 'darwin')).available).to.equal(false)
    // Probing writes nothing.
    expect(ringId(ring)).to.equal(undefined)
  })

  it('reports a missing item as ITEM_NOT_FOUND before the keyring exists', async function () {
    const keyring = await open()
    const codes = await Promise.all(
      [keyring.get('x'), keyring.remove('x')].map((promise) =>
        promise.then(
          () => undefined,
          (error: {code?: string}) => error.code,
        ),
      ),
    )
    expect(codes).to.deep.equal(['ITEM_NOT_FOUND', 'ITEM_NOT_FOUND'])
    expect(await keyring.keys()).to.deep.equal([])
  })
})
