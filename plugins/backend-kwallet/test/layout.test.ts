import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {failureOf} from '@vault-aws/cli/plugin-testkit'
import {openKeyring} from './support/context.ts'
import {KWalletSession} from './support/kwallet-session.ts'

const CREDENTIALS =
  '{"AccessKeyID":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"","Source":"","CanExpire":false,"Expires":"0001-01-01T00:00:00Z"}'

/** The item JSON aws-vault's keyring library marshals for `aws-vault add work` (Go's encoding of keyring.Item). */
function awsVaultItem(key: string, data: string): string {
  return JSON.stringify({
    Key: key,
    Data: Buffer.from(data).toString('base64'),
    Label: `aws-vault (${key})`,
    Description: '',
    KeychainNotTrustApplication: true,
    KeychainNotSynchronizable: false,
  })
}

/** `array:byte:…` for dbus-send. */
function bytesArgument(text: string): string {
  return `array:byte:${[...Buffer.from(text, 'utf8')].join(',')}`
}

/** The text of an `array of bytes "…"` reply (dbus-send prints printable bytes as a string). */
function bytesReply(reply: string): string {
  const start = reply.indexOf('array of bytes "')
  if (start < 0) throw new Error(`not a byte array: ${reply}`)
  return reply.slice(start + 'array of bytes "'.length, reply.lastIndexOf('"'))
}

describe('kwallet backend: entries laid out as aws-vault lays them out (real kwalletd5)', function () {
  let root: string
  let session: KWalletSession
  /** A handle of dbus-send's own, for the application id aws-vault uses. */
  let handle: number

  before(async function () {
    this.timeout(120_000)
    root = mkdtempSync(join(tmpdir(), 'vault-kwallet-layout-'))
    session = await KWalletSession.start(root)
    await session.createWallet('aws-vault', 'layout wallet password')
    handle = await session.kwalletInt('open', 'string:aws-vault', 'int64:0', 'string:aws-vault')
  })

  after(async function () {
    await session?.stop()
    if (root) rmSync(root, {force: true, recursive: true})
  })

  it('reads an entry written as aws-vault writes it: writeEntry without a type, folder and application "aws-vault"', async function () {
    const written = await session.kwalletInt(
      'writeEntry',
      `int32:${handle}`,
      'string:aws-vault',
      'string:work',
      bytesArgument(awsVaultItem('work', CREDENTIALS)),
      'string:aws-vault',
    )
    expect(written).to.equal(0)
    const keyring = await openKeyring(session.env)
    const item = await keyring.get('work')
    expect(new TextDecoder().decode(item.data)).to.equal(CREDENTIALS)
    expect(item.label).to.equal('aws-vault (work)')
    expect(await keyring.keys()).to.include('work')
  })

  it('writes what aws-vault reads: a binary entry named by the key in folder "aws-vault", holding the Go Item JSON', async function () {
    const keyring = await openKeyring(session.env)
    await keyring.set({key: 'written-by-vault', data: new TextEncoder().encode('{"a":"<&>"}'), label: 'aws-vault (written-by-vault)'})

    const read = await session.kwallet('readEntry', `int32:${handle}`, 'string:aws-vault', 'string:written-by-vault', 'string:aws-vault')
    expect(bytesReply(read)).to.equal(
      '{"Key":"written-by-vault","Data":"eyJhIjoiPCY+In0=","Label":"aws-vault (written-by-vault)","Description":"",' +
        '"KeychainNotTrustApplication":false,"KeychainNotSynchronizable":false}',
    )
    // KWallet's entry types: 1 password, 2 stream (binary), 3 map. aws-vault's writeEntry makes a stream.
    const type = await session.kwalletInt('entryType', `int32:${handle}`, 'string:aws-vault', 'string:written-by-vault', 'string:aws-vault')
    expect(type).to.equal(2)
    expect(await session.kwallet('folderList', `int32:${handle}`, 'string:aws-vault')).to.include('string "aws-vault"')
  })

  it('overwrites in place: one entry per key', async function () {
    const keyring = await openKeyring(session.env)
    await keyring.set({key: 'twice', data: new TextEncoder().encode('one')})
    await keyring.set({key: 'twice', data: new TextEncoder().encode('two')})
    const listed = await session.kwallet('entryList', `int32:${handle}`, 'string:aws-vault', 'string:aws-vault')
    expect(listed.match(/string "twice"/g)).to.have.length(1)
    expect(new TextDecoder().decode((await keyring.get('twice')).data)).to.equal('two')
  })

  it('keeps to its folder: entries of other folders are neither listed nor read', async function () {
    await session.kwallet(
      'writeEntry',
      `int32:${handle}`,
      'string:Passwords',
      'string:elsewhere',
      bytesArgument(awsVaultItem('elsewhere', 'x')),
      'string:aws-vault',
    )
    const keyring = await openKeyring(session.env)
    expect(await keyring.keys()).not.to.include('elsewhere')
    expect((await failureOf(keyring.get('elsewhere'))).code).to.equal('ITEM_NOT_FOUND')
  })

  it('reports an entry that does not hold an Item JSON as BACKEND_CORRUPT, without quoting it', async function () {
    await session.kwallet(
      'writeEntry',
      `int32:${handle}`,
      'string:aws-vault',
      'string:broken',
      bytesArgument('plain text, not JSON'),
      'string:aws-vault',
    )
    const error = await failureOf((await openKeyring(session.env)).get('broken'))
    expect(error.code).to.equal('BACKEND_CORRUPT')
    expect(error.message).to.include('broken').and.not.include('plain text')
  })

  it('uses the wallet AWS_VAULT_KWALLET_WALLET names (e.g. kdewallet, which kwallet-pam opens at login)', async function () {
    await session.createWallet('kdewallet', 'login password')
    const keyring = await openKeyring({...session.env, AWS_VAULT_KWALLET_WALLET: 'kdewallet'})
    await keyring.set({key: 'in-kdewallet', data: new TextEncoder().encode('x')})
    const kdewallet = await session.kwalletInt('open', 'string:kdewallet', 'int64:0', 'string:aws-vault')
    expect(await session.kwallet('entryList', `int32:${kdewallet}`, 'string:aws-vault', 'string:aws-vault')).to.include('"in-kdewallet"')
    expect(await (await openKeyring(session.env)).keys()).not.to.include('in-kdewallet')
  })

  it('finds nothing in a wallet that does not exist, without creating it or asking KWallet to', async function () {
    const keyring = await openKeyring({...session.env, AWS_VAULT_KWALLET_WALLET: 'not-created'})
    expect((await failureOf(keyring.get('work'))).code).to.equal('ITEM_NOT_FOUND')
    expect((await failureOf(keyring.remove('work'))).code).to.equal('ITEM_NOT_FOUND')
    expect(await keyring.keys()).to.deep.equal([])
    expect(await session.kwallet('wallets')).not.to.include('not-created')
  })
})
