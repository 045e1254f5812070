import {expect} from 'chai'
import {mkdtempSync, rmSync, statSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Keyring, KeyringItem} from '../../../src/lib/plugin-api/index.ts'

import {isMigrateProbeKey, newMigrateProbeKey, removeLeftoverProbes} from '../../../src/lib/keyring/probe-key.ts'
import {formatSessionKey} from '../../../src/lib/keyring/session-key.ts'
import {MemoryKeyring} from '../../../src/lib/keyring/memory-keyring.ts'
import {
  FileJournal,
  isLiveSsoToken,
  MemoryJournal,
  migrateItems,
  selectItems,
  summarise,
  type MigrateOptions,
} from '../../../src/lib/migrate/index.ts'

const encoder = new TextEncoder()
const now = new Date('2030-01-01T00:00:00Z')

function item(key: string, text: string): KeyringItem {
  return {key, data: encoder.encode(text), label: `aws-vault (${key})`}
}

function text(keyring: MemoryKeyring, key: string): string | undefined {
  const found = keyring.items.get(key)
  return found === undefined ? undefined : new TextDecoder().decode(found.data)
}

async function fill(keyring: MemoryKeyring, entries: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(entries)) await keyring.set(item(key, value))
}

function options(source: Keyring, destination: Keyring, overrides: Partial<MigrateOptions> = {}): MigrateOptions {
  return {
    source,
    destination,
    items: [],
    dryRun: false,
    deleteSource: false,
    overwrite: false,
    journal: new MemoryJournal(),
    now,
    names: {source: 'src', destination: 'dst'},
    ...overrides,
  }
}

async function all(source: MemoryKeyring, overrides: Partial<MigrateOptions> = {}, destination = new MemoryKeyring()) {
  const items = selectItems(await source.keys(), {profiles: [], sessions: false, now})
  return {destination, outcomes: await migrateItems(options(source, destination, {items, ...overrides}))}
}

/** A keyring whose writes can be made to fail or to land altered. */
class FaultyKeyring extends MemoryKeyring {
  corrupt = new Set<string>()
  failOn = new Set<string>()

  override async set(entry: KeyringItem): Promise<void> {
    if (this.failOn.has(entry.key)) throw Object.assign(new Error('write refused'), {code: 'BACKEND_UNAVAILABLE'})
    await super.set(this.corrupt.has(entry.key) ? {...entry, data: encoder.encode('garbled')} : entry)
  }
}

describe('migrate: which items move', function () {
  const session = (profile: string, expiration: Date) =>
    formatSessionKey({type: 'sts.GetSessionToken', profileName: profile, mfaSerial: '', expiration})
  const live = session('work', new Date('2030-01-01T01:00:00Z'))
  const expired = session('work', new Date('2029-12-31T23:00:00Z'))
  const other = session('other', new Date('2030-01-01T01:00:00Z'))
  // The last one is the probe an interrupted `migrate --delete-source` left: never a profile.
  const keys = [
    'work',
    'other',
    live,
    expired,
    other,
    'oidc:https://sso.example/start',
    'session:old:format:x',
    'vault-migrate-probe-0123456789ab',
  ]

  it('takes credentials only by default, sorted', function () {
    expect(selectItems(keys, {profiles: [], sessions: false, now})).to.deep.equal([
      {key: 'other', kind: 'credentials', profile: 'other'},
      {key: 'work', kind: 'credentials', profile: 'work'},
    ])
  })

  it('adds live sessions and SSO tokens with sessions, never expired or old-format ones', function () {
    const selected = selectItems(keys, {profiles: [], sessions: true, now}).map((entry) => entry.key)
    expect(selected).to.deep.equal(['other', 'work', other, live, 'oidc:https://sso.example/start'])
  })

  it('keeps to the named profiles, their sessions and the SSO token of their start URL', function () {
    const selected = selectItems(keys, {profiles: ['work'], sessions: true, ssoStartUrls: ['https://sso.example/start'], now}).map(
      (entry) => entry.key,
    )
    expect(selected).to.deep.equal(['work', live, 'oidc:https://sso.example/start'])
    expect(selectItems(keys, {profiles: ['work'], sessions: true, now}).map((entry) => entry.key)).to.deep.equal(['work', live])
  })

  it('removes the probes an interrupted migration left, and nothing else', async function () {
    const keyring = new MemoryKeyring()
    for (const key of ['work', 'vault-migrate-probe-0123456789ab', 'vault-migrate-probe-x', 'vault-migrate-probe-ffffffffffff'])
      await keyring.set({key, data: encoder.encode('{}')})
    expect(await removeLeftoverProbes(keyring)).to.equal(2)
    expect((await keyring.keys()).sort()).to.deep.equal(['vault-migrate-probe-x', 'work'])
    expect(isMigrateProbeKey(newMigrateProbeKey())).to.equal(true)
  })

  it('tells a usable SSO token from a dead one', function () {
    const token = (fields: object) => encoder.encode(JSON.stringify(fields))
    expect(isLiveSsoToken(token({Expiration: '2030-01-01T00:10:00Z'}), now)).to.equal(true)
    expect(isLiveSsoToken(token({Expiration: '2029-01-01T00:00:00Z'}), now)).to.equal(false)
    expect(
      isLiveSsoToken(
        token({Expiration: '2029-01-01T00:00:00Z', Token: {RefreshToken: 'r'}, Client: {ClientSecretExpiresAt: now.getTime() / 1000 + 60}}),
        now,
      ),
    ).to.equal(true)
    expect(isLiveSsoToken(encoder.encode('not json'), now)).to.equal(false)
  })
})

describe('migrate: copy, verify, delete', function () {
  it('copies every item with its label and leaves the source alone', async function () {
    const source = new MemoryKeyring()
    await fill(source, {a: 'one', b: 'two'})
    const {destination, outcomes} = await all(source)
    expect(outcomes.map((outcome) => [outcome.key, outcome.action, outcome.sourceRemoved])).to.deep.equal([
      ['a', 'copied', false],
      ['b', 'copied', false],
    ])
    expect(text(destination, 'a')).to.equal('one')
    expect(destination.items.get('b')?.label).to.equal('aws-vault (b)')
    expect([...source.items.keys()]).to.deep.equal(['a', 'b'])
  })

  it('removes from the source only what was verified, with deleteSource', async function () {
    const source = new MemoryKeyring()
    await fill(source, {a: 'one', b: 'two', c: 'three'})
    const destination = new FaultyKeyring()
    destination.corrupt.add('b')
    let error: unknown
    const seen: string[] = []
    await migrateItems(
      options(source, destination, {
        items: selectItems(await source.keys(), {profiles: [], sessions: false, now}),
        deleteSource: true,
        onOutcome: (outcome) => seen.push(outcome.key),
      }),
    ).catch((failure: unknown) => {
      error = failure
    })
    expect((error as {code?: string}).code).to.equal('MIGRATION_FAILED')
    expect((error as Error).message).to.equal('the copy of "b" in "dst" does not read back as written (different); the source keeps it')
    expect(seen).to.deep.equal(['a'])
    expect([...source.items.keys()]).to.deep.equal(['b', 'c'])
    expect(text(source, 'b')).to.equal('two')
  })

  it('stops at a write the destination refuses, keeping the source', async function () {
    const source = new MemoryKeyring()
    await fill(source, {a: 'one', b: 'two'})
    const destination = new FaultyKeyring()
    destination.failOn.add('a')
    const failure = await all(source, {deleteSource: true}, destination).then(
      () => undefined,
      (error: unknown) => error as {code?: string},
    )
    expect(failure?.code).to.equal('BACKEND_UNAVAILABLE')
    expect([...source.items.keys()]).to.deep.equal(['a', 'b'])
    expect(destination.items.size).to.equal(0)
  })

  it('recognises items already copied, and leaves differing ones alone unless told to overwrite', async function () {
    const source = new MemoryKeyring()
    await fill(source, {same: 'x', differs: 'new'})
    const destination = new MemoryKeyring()
    await fill(destination, {same: 'x', differs: 'old'})
    const {outcomes} = await all(source, {deleteSource: true}, destination)
    expect(outcomes.map((outcome) => [outcome.key, outcome.action, outcome.sourceRemoved])).to.deep.equal([
      ['differs', 'conflict', false],
      ['same', 'present', true],
    ])
    expect(text(destination, 'differs')).to.equal('old')
    expect(text(source, 'differs')).to.equal('new')

    const again = await all(source, {overwrite: true}, destination)
    expect(again.outcomes.map((outcome) => outcome.action)).to.deep.equal(['overwritten'])
    expect(text(destination, 'differs')).to.equal('new')
  })

  it('changes nothing in a dry run and says what it would do', async function () {
    const source = new MemoryKeyring()
    await fill(source, {a: 'one', b: 'two', c: 'three'})
    const destination = new MemoryKeyring()
    await fill(destination, {b: 'two', c: 'other'})
    const {outcomes} = await all(source, {dryRun: true, deleteSource: true, overwrite: true}, destination)
    expect(outcomes.map((outcome) => outcome.action)).to.deep.equal(['would-copy', 'present', 'would-overwrite'])
    expect(summarise(outcomes)).to.include({'would-copy': 1, present: 1, 'would-overwrite': 1, sourceRemoved: 0})
    expect(source.items.size).to.equal(3)
    expect(text(destination, 'c')).to.equal('other')
    expect(destination.items.has('a')).to.equal(false)
  })

  it('refuses to delete the source when both names reach one store', async function () {
    const store = new MemoryKeyring()
    await fill(store, {a: 'one'})
    const failure = await migrateItems(
      options(store, store, {items: [{key: 'a', kind: 'credentials', profile: 'a'}], deleteSource: true}),
    ).then(
      () => undefined,
      (error: unknown) => error as Error & {code?: string},
    )
    expect(failure?.code).to.equal('USAGE')
    expect(failure?.message).to.equal('"src" and "dst" reach the same store: removing the source would remove the copies')
    expect([...store.items.keys()]).to.deep.equal(['a'])
  })

  it('skips an SSO token that can no longer be used and an item gone from the source', async function () {
    const source = new MemoryKeyring()
    await fill(source, {'oidc:https://sso.example/start': JSON.stringify({Expiration: '2020-01-01T00:00:00Z'})})
    const outcomes = await migrateItems(
      options(source, new MemoryKeyring(), {
        items: [
          {key: 'oidc:https://sso.example/start', kind: 'sso-token'},
          {key: 'gone', kind: 'credentials', profile: 'gone'},
        ],
      }),
    )
    expect(outcomes.map((outcome) => outcome.action)).to.deep.equal(['expired', 'vanished'])
  })
})

describe('migrate: resuming after an interruption (journal)', function () {
  let dir: string

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'vault-migrate-journal-'))
  })

  afterEach(function () {
    rmSync(dir, {recursive: true, force: true})
  })

  it('rewrites its own half-finished copy, but never an item someone else wrote', async function () {
    const path = join(dir, 'migrate', 'journal.json')
    const source = new MemoryKeyring()
    await fill(source, {mine: 'v2', theirs: 'source value'})
    const destination = new MemoryKeyring()
    // An earlier run began writing "mine" (then with value v1) and was killed before it verified.
    const earlier = await FileJournal.open(path)
    await earlier.begin('mine', earlier.digest(encoder.encode('v1')))
    await fill(destination, {mine: 'v1', theirs: 'someone else'})
    expect(statSync(path).mode & 0o777).to.equal(0o600)
    expect(await readFile(path, 'utf8')).not.to.include('v1')

    const {outcomes} = await all(source, {journal: await FileJournal.open(path)}, destination)
    expect(outcomes.map((outcome) => [outcome.key, outcome.action])).to.deep.equal([
      ['mine', 'copied'],
      ['theirs', 'conflict'],
    ])
    expect(text(destination, 'mine')).to.equal('v2')
    expect(text(destination, 'theirs')).to.equal('someone else')
    // Nothing is pending any more: the journal is gone.
    expect(() => statSync(path)).to.throw()
  })

  it("rewrites a copy that cannot be read back when it was this migration's", async function () {
    const source = new MemoryKeyring()
    await fill(source, {a: 'value'})
    const journal = new MemoryJournal()
    await journal.begin('a', journal.digest(encoder.encode('value')))
    const destination = new (class extends MemoryKeyring {
      reads = 0
      override async get(key: string): Promise<KeyringItem> {
        if (this.reads++ === 0) throw Object.assign(new Error('torn'), {code: 'BACKEND_CORRUPT'})
        return super.get(key)
      }
    })()
    const {outcomes} = await all(source, {journal}, destination)
    expect(outcomes.map((outcome) => outcome.action)).to.deep.equal(['copied'])
    expect(text(destination, 'a')).to.equal('value')
    expect(journal.entries.size).to.equal(0)
  })
})
