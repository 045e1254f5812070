import {spawnSync} from 'node:child_process'

import {expect} from 'chai'

import {connectSecretService} from '../../src/secret-service/connect.ts'
import {SecretServiceKeyring} from '../../src/secret-service/keyring.ts'
import {context} from '../support/context.ts'
import {createCollection, sessionEnv} from './gnome-keyring.ts'
import backends from '../../src/hooks/backends.ts'

const AWSVAULT = '/org/freedesktop/secrets/collection/awsvault'
await createCollection('awsvault')
const [descriptor] = await backends()

function secretTool(args: string[], input?: string): {stdout: string; stderr: string} {
  const result = spawnSync('secret-tool', args, {input, encoding: 'utf8', env: process.env})
  if (result.status !== 0) throw new Error(`secret-tool ${args[0]} failed: ${result.stderr}`)
  return {stdout: result.stdout, stderr: result.stderr}
}

async function openDefault() {
  if (descriptor === undefined) throw new Error('the hook returned no backend')
  return descriptor.open(context(sessionEnv()))
}

describe('items laid out as aws-vault lays them out in the Secret Service', function () {
  it('reads an item that aws-vault wrote (label = key, attribute profile = key, secret = Item JSON)', async function () {
    const credentials =
      '{"AccessKeyID":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"","ProviderName":""}'
    // What aws-vault's keyring library marshals for the item `aws-vault add work` stores.
    const secret = JSON.stringify({
      Key: 'work',
      Data: Buffer.from(credentials).toString('base64'),
      Label: 'aws-vault (work)',
      Description: '',
      KeychainNotTrustApplication: false,
      KeychainNotSynchronizable: false,
    })
    secretTool(['store', '--label=work', `--collection=${AWSVAULT}`, 'profile', 'work'], secret)

    const keyring = await openDefault()
    const item = await keyring.get('work')
    expect(new TextDecoder().decode(item.data)).to.equal(credentials)
    expect(item.label).to.equal('aws-vault (work)')
    expect(item.description).to.equal(undefined)
    expect(await keyring.keys()).to.include('work')
  })

  it('writes what aws-vault reads: label, profile attribute and the Go Item JSON', async function () {
    const keyring = await openDefault()
    await keyring.set({key: 'written-by-vault', data: new TextEncoder().encode('{"a":"<&>"}'), label: 'aws-vault (written-by-vault)'})

    // secret-tool prints the label and secret on stdout, the attributes on stderr.
    const found = secretTool(['search', '--all', 'profile', 'written-by-vault'])
    const listing = found.stdout + found.stderr
    expect(listing, listing).to.match(/^label = written-by-vault$/m)
    expect(listing, listing).to.match(/^attribute\.profile = written-by-vault$/m)
    const expected =
      '{"Key":"written-by-vault","Data":"eyJhIjoiPCY+In0=","Label":"aws-vault (written-by-vault)","Description":"",' +
      '"KeychainNotTrustApplication":false,"KeychainNotSynchronizable":false}'
    expect(secretTool(['lookup', 'profile', 'written-by-vault']).stdout).to.equal(expected)

    const service = await connectSecretService(context(sessionEnv()))
    try {
      expect(await service.searchItems(AWSVAULT, {profile: 'written-by-vault'})).to.have.length(1)
    } finally {
      service.close()
    }
  })

  it("sends secrets over the bus encrypted (the spec's Diffie-Hellman session), not in the clear", async function () {
    const service = await connectSecretService(context(sessionEnv()))
    try {
      expect(await service.transferAlgorithm()).to.equal('dh-ietf1024-sha256-aes128-cbc-pkcs7')
    } finally {
      service.close()
    }
  })

  it('overwrites in place: one item per key, as aws-vault replaces on write', async function () {
    const keyring = await openDefault()
    await keyring.set({key: 'twice', data: new TextEncoder().encode('one')})
    await keyring.set({key: 'twice', data: new TextEncoder().encode('two')})
    const service = await connectSecretService(context(sessionEnv()))
    try {
      expect(await service.searchItems(AWSVAULT, {profile: 'twice'})).to.have.length(1)
    } finally {
      service.close()
    }
  })

  it('uses the collection named by AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME', async function () {
    const custom = await createCollection('team-vault')
    const env = sessionEnv({AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME: 'team-vault'})
    const keyring = await descriptor!.open(context(env))
    await keyring.set({key: 'team-only', data: new TextEncoder().encode('x')})

    const service = await connectSecretService(context(env))
    try {
      expect(await service.searchItems(custom, {profile: 'team-only'})).to.have.length(1)
      expect(await service.searchItems(AWSVAULT, {profile: 'team-only'})).to.have.length(0)
    } finally {
      service.close()
    }
    expect(await keyring.keys()).to.deep.equal(['team-only'])
    expect(await (await openDefault()).keys()).not.to.include('team-only')
  })

  it('lists only items that carry the profile attribute get() finds them by', async function () {
    secretTool(['store', '--label=foreign item', `--collection=${AWSVAULT}`, 'application', 'something-else'], 'not ours')
    const keys = await (await openDefault()).keys()
    expect(keys).not.to.include('foreign item')
  })

  it('reports an item whose secret is not an Item JSON as BACKEND_CORRUPT', async function () {
    secretTool(['store', '--label=broken', `--collection=${AWSVAULT}`, 'profile', 'broken'], 'plain text, not JSON')
    const ctx = context(sessionEnv())
    const keyring = new SecretServiceKeyring({
      collection: 'awsvault',
      connect: () => connectSecretService(ctx),
      items: ctx.items,
      shareUntilFailure: ctx.shareUntilFailure,
    })
    const error = await keyring.get('broken').then(
      () => undefined,
      (failure: unknown) => failure as {code?: string; message: string},
    )
    expect(error?.code).to.equal('BACKEND_CORRUPT')
    expect(error?.message).not.to.include('plain text')
  })
})
