import {expect} from 'chai'

import {sessionBackendEnv, sessionStoreSettings} from '../../../src/lib/keyring/session-backend.ts'
import {validateDescriptor} from '../../../src/lib/registry/validate.ts'

describe('session backend settings', function () {
  it('gives the session backend its AWS_VAULT_SESSION_* settings under the names backends read, the rest inherited', function () {
    const env = sessionBackendEnv({
      AWS_VAULT_BACKEND: 'pass',
      AWS_VAULT_FILE_DIR: '/keys',
      AWS_VAULT_FILE_PASSPHRASE: 'long-term',
      AWS_VAULT_PASS_CMD: 'pass',
      AWS_VAULT_SESSION_BACKEND: 'file',
      AWS_VAULT_SESSION_FILE_DIR: '/sessions',
      AWS_VAULT_SESSION_FILE_PASSPHRASE: 'for-sessions',
      PATH: '/usr/bin',
    })
    expect(env).to.include({
      AWS_VAULT_FILE_DIR: '/sessions',
      AWS_VAULT_FILE_PASSPHRASE: 'for-sessions',
      AWS_VAULT_PASS_CMD: 'pass',
      PATH: '/usr/bin',
    })
    // The selector itself is not a setting of the session backend.
    expect(env.AWS_VAULT_BACKEND).to.equal('pass')
  })

  it('tells session stores apart by their settings, never by a passphrase', function () {
    expect(
      sessionStoreSettings({
        AWS_VAULT_SESSION_FILE_PASSPHRASE: 'secret',
        AWS_VAULT_SESSION_FILE_DIR: '/s',
        AWS_VAULT_SESSION_BACKEND: 'file',
        AWS_VAULT_FILE_DIR: '/k',
      }),
    ).to.deep.equal(['AWS_VAULT_SESSION_BACKEND=file', 'AWS_VAULT_SESSION_FILE_DIR=/s'])
  })

  it('accepts a backend descriptor with or without unlocking, and names what an incomplete unlocking lacks', function () {
    const base = {id: 'x', summary: 's', priority: 1, isAvailable: () => ({available: true}), open: async () => ({})}
    expect(validateDescriptor('vault:backends', base).ok).to.equal(true)
    const fn = async () => ({unlocked: false, store: 'x'})
    expect(validateDescriptor('vault:backends', {...base, unlocking: {unlock: fn, lock: fn, state: fn}}).ok).to.equal(true)
    const partial = validateDescriptor('vault:backends', {...base, unlocking: {unlock: fn}})
    expect(partial).to.deep.equal({ok: false, problems: ['unlocking must have the functions unlock, lock and state (missing lock, state)']})
  })
})
