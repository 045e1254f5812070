import {expect} from 'chai'

import backends from '../../src/hooks/backends.ts'
import {backendContext, failureOf} from '@vault-aws/cli/plugin-testkit'
import {codeOf, context} from '../support/context.ts'
import {createCollection, lockCollection, sessionEnv, unlockCollection} from './gnome-keyring.ts'

const [descriptor, alias] = await backends()
if (descriptor === undefined || alias === undefined) throw new Error('the hook returned fewer than two backends')
const keyringDescriptor = descriptor
await createCollection('awsvault')

describe('availability and errors on a real gnome-keyring-daemon', function () {
  it('is available when the collection is there and unlocked', async function () {
    const availability = await keyringDescriptor.isAvailable(context(sessionEnv()))
    expect(availability.available).to.equal(true)
    expect(availability.reason).to.include('awsvault')
  })

  it("registers aws-vault's id for this platform as well, opening the same store", async function () {
    expect(alias.id).to.equal('secret-service')
    const viaAlias = await alias.open(context(sessionEnv()))
    await viaAlias.set({key: 'through-alias', data: new TextEncoder().encode('same store')})
    const viaKeyring = await keyringDescriptor.open(context(sessionEnv()))
    expect(new TextDecoder().decode((await viaKeyring.get('through-alias')).data)).to.equal('same store')
    await viaKeyring.remove('through-alias')
  })

  describe('a locked collection', function () {
    let path: string
    const env = sessionEnv({AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME: 'locked-vault'})

    before(async function () {
      path = await createCollection('locked-vault')
      await (await keyringDescriptor.open(context(env))).set({key: 'inside', data: new TextEncoder().encode('x')})
      await lockCollection(path)
    })

    after(async function () {
      await unlockCollection(path)
    })

    it('is unavailable, saying it is locked, when no display can show the unlock prompt', async function () {
      const availability = await keyringDescriptor.isAvailable(context(env))
      expect(availability.available).to.equal(false)
      expect(availability.reason).to.match(/locked-vault.*locked/)
    })

    it('turns get, set, remove and keys into BACKEND_LOCKED', async function () {
      const keyring = await keyringDescriptor.open(context(env))
      const error = await failureOf(keyring.get('inside'))
      expect(error.code).to.equal('BACKEND_LOCKED')
      expect(error.message).to.include('locked-vault')
      expect(await codeOf(keyring.set({key: 'new', data: new Uint8Array([1])}))).to.equal('BACKEND_LOCKED')
      expect(await codeOf(keyring.remove('inside'))).to.equal('BACKEND_LOCKED')
      expect(await codeOf(keyring.keys())).to.equal('BACKEND_LOCKED')
    })

    it('announces the unlock prompt through ctx.beforeDialog first, and asks for none when that throws', async function () {
      const ctx = backendContext({
        env,
        beforeDialog: () => {
          throw new Error('no dialog may show here')
        },
      })
      const error = await failureOf((await keyringDescriptor.open(ctx)).get('inside'))
      expect(error.message).to.include('no dialog may show here')
      expect(ctx.dialogs).to.have.length(1)
      expect(ctx.dialogs[0]).to.match(/prompt for unlocking the Secret Service collection "locked-vault"/)
      // Where dialogs may show, the same read announces the prompt and then asks for it (dismissed here).
      const asking = context(env)
      expect(await codeOf((await keyringDescriptor.open(asking)).get('inside'))).to.equal('BACKEND_LOCKED')
      expect(asking.dialogs).to.have.length(1)
    })

    it('works again once unlocked', async function () {
      await unlockCollection(path)
      const keyring = await keyringDescriptor.open(context(env))
      expect(new TextDecoder().decode((await keyring.get('inside')).data)).to.equal('x')
      await lockCollection(path)
    })
  })

  describe('a collection that does not exist yet', function () {
    const env = sessionEnv({AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME: 'never-created'})

    it('has no items and no keys', async function () {
      const keyring = await keyringDescriptor.open(context(env))
      expect(await codeOf(keyring.get('anything'))).to.equal('ITEM_NOT_FOUND')
      expect(await codeOf(keyring.remove('anything'))).to.equal('ITEM_NOT_FOUND')
      expect(await keyring.keys()).to.deep.equal([])
    })

    it("is unavailable without a display, since creating it needs the service's prompt", async function () {
      const availability = await keyringDescriptor.isAvailable(context(env))
      expect(availability.available).to.equal(false)
      expect(availability.reason).to.match(/no collection "never-created"/)
    })

    it('fails to create it on write with BACKEND_UNAVAILABLE when the prompt cannot be shown', async function () {
      const keyring = await keyringDescriptor.open(context(env))
      const error = await failureOf(keyring.set({key: 'first', data: new Uint8Array([1])}))
      expect(error.code).to.equal('BACKEND_UNAVAILABLE')
      expect(error.message).to.include('never-created')
    })
  })
})
