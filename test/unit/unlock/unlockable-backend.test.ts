import {expect} from 'chai'

import fileBackends from '../../../plugins/backend-file/src/hooks/backends.ts'
import type {BackendDescriptor} from '../../../src/lib/plugin-api/index.ts'
import {backendContext} from '../../../src/lib/plugin-testkit/index.ts'
import {VaultError} from '../../../src/lib/errors.ts'
import {sessionBackendEnv} from '../../../src/lib/keyring/session-backend.ts'
import {storeName, unlockableStores} from '../../../src/lib/unlock/unlockable-backend.ts'

/** A backend without a passphrase, as the OS keyring is. */
const plain: BackendDescriptor = {
  id: 'plain',
  summary: 'no passphrase',
  priority: 30,
  isAvailable: () => ({available: true}),
  open: async () => {
    throw new Error('not opened here')
  },
}

describe('the stores vault unlock and vault lock act on', function () {
  let file: BackendDescriptor
  before(async function () {
    ;[file] = (await fileBackends()) as [BackendDescriptor]
  })

  const entries = () => [
    {descriptor: file, pluginName: 'file-plugin'},
    {descriptor: plain, pluginName: 'plain-plugin'},
  ]
  const env = {AWS_VAULT_FILE_DIR: '/stores/keys', AWS_VAULT_SESSION_FILE_DIR: '/stores/sessions'}
  const ctx = backendContext({env})
  const sessionCtx = backendContext({env: sessionBackendEnv(env)})
  const shape = (stores: Awaited<ReturnType<typeof unlockableStores>>) =>
    stores.map((store) => ({holds: store.holds, id: store.descriptor.id, dir: store.ctx.env.AWS_VAULT_FILE_DIR}))

  it('the long-term store alone without a session backend', async function () {
    expect(shape(await unlockableStores(entries(), {ctx, requested: 'file'}))).to.deep.equal([
      {dir: '/stores/keys', holds: 'keys', id: 'file'},
    ])
  })

  it('adds the session store when it is another store of a backend that unlocks', async function () {
    const stores = await unlockableStores(entries(), {ctx, requested: 'file', session: {ctx: sessionCtx, id: 'file'}})
    expect(shape(stores)).to.deep.equal([
      {dir: '/stores/keys', holds: 'keys', id: 'file'},
      {dir: '/stores/sessions', holds: 'sessions', id: 'file'},
    ])
  })

  it('does not count the long-term store twice when the session settings name it', async function () {
    const same = backendContext({env: sessionBackendEnv({AWS_VAULT_FILE_DIR: '/stores/keys'})})
    expect(shape(await unlockableStores(entries(), {ctx, requested: 'file', session: {ctx: same, id: 'file'}}))).to.deep.equal([
      {dir: '/stores/keys', holds: 'keys', id: 'file'},
    ])
  })

  it('unlocks the session store alone when the long-term backend has no passphrase', async function () {
    const stores = await unlockableStores(entries(), {ctx, requested: undefined, session: {ctx: sessionCtx, id: 'file'}})
    expect(shape(stores)).to.deep.equal([{dir: '/stores/sessions', holds: 'sessions', id: 'file'}])
  })

  it('refuses in one line when neither store unlocks', async function () {
    const error = await unlockableStores(entries(), {ctx, requested: 'plain', session: {ctx: sessionCtx, id: 'plain'}}).catch(
      (caught: unknown) => caught,
    )
    expect(error).to.be.instanceOf(VaultError)
    expect((error as VaultError).message).to.equal('the "plain" backend has no passphrase to keep, so it cannot be unlocked or locked')
    expect((error as VaultError).suggestions).to.deep.equal(['name a backend that can: --backend file'])
  })

  it('names the session store as such', function () {
    expect(storeName({backend: 'file', holds: 'sessions', store: '/s'})).to.equal('file store /s (sessions)')
    expect(storeName({backend: 'file', holds: 'keys', store: '/k'})).to.equal('file store /k')
  })
})
