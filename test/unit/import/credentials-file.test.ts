import {expect} from 'chai'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {KeyringItem} from '../../../src/lib/plugin-api/index.ts'

import {
  credentialsPath,
  importCredentials,
  readCredentialsFile,
  withoutKeys,
  writeBackup,
  type ImportOptions,
} from '../../../src/lib/import/index.ts'
import {CredentialStore} from '../../../src/lib/keyring/credential-store.ts'
import {MemoryKeyring} from '../../../src/lib/keyring/memory-keyring.ts'

describe('import: reading plaintext keys from the shared credentials file', function () {
  it('finds long-term key pairs and says why other sections are left alone', function () {
    const text = [
      '# top comment',
      '[default]',
      'aws_access_key_id = AKIADEFAULT000000001',
      'aws_secret_access_key = default/secret+1 ; inline comment',
      '[temp]',
      'aws_access_key_id = ASIATEMP000000000001',
      'aws_secret_access_key = t',
      'aws_session_token = token',
      '[half]',
      'aws_access_key_id = AKIAHALF000000000001',
      '[quoted]',
      'aws_access_key_id = "AKIAQUOTED0000000001"',
      'aws_secret_access_key = q',
      '[settings-only]',
      'region = eu-west-1',
      '[Work Account]',
      'AWS_ACCESS_KEY_ID=AKIAWORK000000000001',
      'AWS_SECRET_ACCESS_KEY=work',
    ].join('\n')
    const parsed = readCredentialsFile(text)
    expect(parsed.keys).to.deep.equal([
      {profile: 'default', accessKeyId: 'AKIADEFAULT000000001', secretAccessKey: 'default/secret+1'},
      {profile: 'Work Account', accessKeyId: 'AKIAWORK000000000001', secretAccessKey: 'work'},
    ])
    expect(parsed.skipped.map((entry) => entry.profile)).to.deep.equal(['temp', 'half', 'quoted'])
    expect(parsed.skipped[0]?.reason).to.match(/session token/)
    expect(parsed.skipped[1]?.reason).to.equal('has aws_access_key_id without aws_secret_access_key')
  })

  it('takes the last value of a key repeated in a repeated section, as the AWS tools do', function () {
    const parsed = readCredentialsFile('[a]\naws_access_key_id = OLD\n[a]\naws_access_key_id = NEW\naws_secret_access_key = s\n')
    expect(parsed.keys).to.deep.equal([{profile: 'a', accessKeyId: 'NEW', secretAccessKey: 's'}])
  })
})

describe('import: taking keys out of the file', function () {
  it('removes only the key lines, keeping comments, other settings and other sections byte for byte', function () {
    const text =
      '# mine\n[default]\n# the default keys\naws_access_key_id = A\naws_secret_access_key = S\nregion = us-east-1\n\n[other]\naws_access_key_id = B\naws_secret_access_key = T\n'
    expect(withoutKeys(text, new Set(['default']))).to.equal(
      '# mine\n[default]\n# the default keys\nregion = us-east-1\n\n[other]\naws_access_key_id = B\naws_secret_access_key = T\n',
    )
  })

  it('drops a section left empty, with the blank lines that were its own', function () {
    const first = '[a]\naws_access_key_id = A\naws_secret_access_key = S\n\n[b]\nregion = x\n'
    expect(withoutKeys(first, new Set(['a']))).to.equal('[b]\nregion = x\n')
    const middle = '[b]\nregion = x\n\n[a]\naws_access_key_id = A\naws_secret_access_key = S\n\n[c]\nregion = y\n'
    expect(withoutKeys(middle, new Set(['a']))).to.equal('[b]\nregion = x\n\n[c]\nregion = y\n')
    const last = '[b]\nregion = x\n\n[a]\naws_access_key_id = A\naws_secret_access_key = S\n'
    expect(withoutKeys(last, new Set(['a']))).to.equal('[b]\nregion = x\n')
    expect(withoutKeys('[a]\naws_access_key_id = A\naws_secret_access_key = S\n', new Set(['a']))).to.equal('')
  })

  it('removes every occurrence in repeated sections, and keeps CRLF line ends and a BOM', function () {
    const text =
      '\uFEFF[a]\r\naws_access_key_id = OLD\r\n[keep]\r\nx = 1\r\n[a]\r\naws_access_key_id = NEW\r\naws_secret_access_key = S\r\nregion = r\r\n'
    expect(withoutKeys(text, new Set(['a']))).to.equal('\uFEFF[keep]\r\nx = 1\r\n[a]\r\nregion = r\r\n')
  })

  it('never touches a key-like line inside an indented nested block', function () {
    const text = '[a]\naws_access_key_id = A\naws_secret_access_key = S\ns3 =\n  aws_access_key_id = nested\n'
    expect(withoutKeys(text, new Set(['a']))).to.equal('[a]\ns3 =\n  aws_access_key_id = nested\n')
  })
})

describe('import: the backup and the file path', function () {
  let dir: string

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'vault-import-unit-'))
  })

  afterEach(function () {
    rmSync(dir, {recursive: true, force: true})
  })

  it('writes a 0600 backup whatever the umask and never replaces an older one', async function () {
    const file = join(dir, 'credentials')
    writeFileSync(file, 'x')
    const now = new Date('2030-02-03T04:05:06.789Z')
    const previous = process.umask(0)
    try {
      const first = await writeBackup(file, 'first', now)
      const second = await writeBackup(file, 'second', now)
      expect(first).to.equal(`${file}.vault-backup-20300203T040506Z`)
      expect(second).to.equal(`${file}.vault-backup-20300203T040506Z-1`)
      expect(readFileSync(first, 'utf8')).to.equal('first')
      expect(statSync(second).mode & 0o777).to.equal(0o600)
    } finally {
      process.umask(previous)
    }
  })

  it('finds the file as the AWS CLI does', function () {
    expect(credentialsPath(undefined, '/home/u')).to.equal('/home/u/.aws/credentials')
    expect(credentialsPath('~/creds', '/home/u')).to.equal('/home/u/creds')
    expect(credentialsPath('/etc/aws/creds', '/home/u')).to.equal('/etc/aws/creds')
  })
})

describe('import: into the vault, then out of the file', function () {
  let dir: string
  let file: string

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'vault-import-run-'))
    file = join(dir, 'credentials')
  })

  afterEach(function () {
    rmSync(dir, {recursive: true, force: true})
  })

  const text =
    '[a]\naws_access_key_id = AKIAA\naws_secret_access_key = secret-a\n\n[b]\naws_access_key_id = AKIAB\naws_secret_access_key = secret-b\nregion = r\n'
  const run = (store: CredentialStore, overrides: Partial<ImportOptions> = {}) =>
    importCredentials({
      path: file,
      store,
      profiles: [],
      dryRun: false,
      keep: false,
      overwrite: false,
      now: new Date('2030-01-01T00:00:00Z'),
      ...overrides,
    })

  it('stores, verifies, rewrites keeping the mode, and removes its backup once the new file reads back', async function () {
    writeFileSync(file, text, {mode: 0o640})
    const result = await run(new CredentialStore(new MemoryKeyring()))
    expect(readFileSync(file, 'utf8')).to.equal('[b]\nregion = r\n')
    expect(result.backup).to.equal(undefined)
    expect(readdirSync(dir).filter((name) => name.includes('vault-backup'))).to.deep.equal([])
  })

  it('stores, verifies, backs up and rewrites keeping the mode (--keep-backup)', async function () {
    writeFileSync(file, text, {mode: 0o640})
    const store = new CredentialStore(new MemoryKeyring())
    const result = await run(store, {keepBackup: true})
    expect(result.outcomes.map((outcome) => [outcome.profile, outcome.action, outcome.removedFromFile])).to.deep.equal([
      ['a', 'imported', true],
      ['b', 'imported', true],
    ])
    expect(await store.get('b')).to.deep.equal({accessKeyId: 'AKIAB', secretAccessKey: 'secret-b'})
    expect(readFileSync(file, 'utf8')).to.equal('[b]\nregion = r\n')
    expect(statSync(file).mode & 0o777).to.equal(0o640)
    expect(readFileSync(result.backup!, 'utf8')).to.equal(text)
    expect(statSync(result.backup!).mode & 0o777).to.equal(0o600)
  })

  it('leaves the file untouched when a copy does not read back, and writes no backup', async function () {
    writeFileSync(file, text)
    const lossy = new (class extends MemoryKeyring {
      override async set(item: KeyringItem): Promise<void> {
        await super.set(
          item.key === 'b' ? {...item, data: new TextEncoder().encode('{"AccessKeyID":"AKIAB","SecretAccessKey":"truncated"}')} : item,
        )
      }
    })()
    const failure = await run(new CredentialStore(lossy)).then(
      () => undefined,
      (error: unknown) => error as Error & {code?: string},
    )
    expect(failure?.code).to.equal('IMPORT_FAILED')
    expect(failure?.message).to.equal(`the keys of "b" do not read back from the vault as written; ${file} was left as it was`)
    expect(readFileSync(file, 'utf8')).to.equal(text)
    expect(readdirSync(dir)).to.deep.equal(['credentials'])
  })

  it('keeps a conflicting profile in the file, recognises keys already there, and changes nothing on a dry run', async function () {
    writeFileSync(file, text)
    const store = new CredentialStore(new MemoryKeyring())
    await store.set('a', {accessKeyId: 'AKIAOTHER', secretAccessKey: 'other'})
    await store.set('b', {accessKeyId: 'AKIAB', secretAccessKey: 'secret-b'})
    const dry = await run(store, {dryRun: true, overwrite: true})
    expect(dry.outcomes.map((outcome) => outcome.action)).to.deep.equal(['would-overwrite', 'present'])
    expect(readFileSync(file, 'utf8')).to.equal(text)

    const result = await run(store)
    expect(result.outcomes.map((outcome) => [outcome.profile, outcome.action, outcome.removedFromFile])).to.deep.equal([
      ['a', 'conflict', false],
      ['b', 'present', true],
    ])
    expect(readFileSync(file, 'utf8')).to.equal('[a]\naws_access_key_id = AKIAA\naws_secret_access_key = secret-a\n\n[b]\nregion = r\n')
    expect((await store.get('a'))?.accessKeyId).to.equal('AKIAOTHER')
  })

  it('copies only with keep, and refuses to rewrite a file changed meanwhile', async function () {
    writeFileSync(file, text)
    const kept = await run(new CredentialStore(new MemoryKeyring()), {keep: true, profiles: ['a', 'nope']})
    expect(kept.outcomes.map((outcome) => outcome.profile)).to.deep.equal(['a'])
    expect(kept.missing).to.deep.equal(['nope'])
    expect(readFileSync(file, 'utf8')).to.equal(text)

    const racing = new CredentialStore(
      new (class extends MemoryKeyring {
        override async set(item: KeyringItem): Promise<void> {
          await super.set(item)
          writeFileSync(file, `${text}[new]\nregion = x\n`)
        }
      })(),
    )
    const failure = await run(racing).then(
      () => undefined,
      (error: unknown) => error as Error & {code?: string},
    )
    expect(failure?.code).to.equal('IMPORT_FAILED')
    expect(failure?.message).to.match(/changed while the keys were being imported/)
    expect(readFileSync(file, 'utf8')).to.equal(`${text}[new]\nregion = x\n`)
  })

  it('says when there is no file', async function () {
    const failure = await run(new CredentialStore(new MemoryKeyring())).then(
      () => undefined,
      (error: unknown) => error as Error & {code?: string},
    )
    expect(failure?.code).to.equal('CREDENTIALS_NOT_FOUND')
  })
})
