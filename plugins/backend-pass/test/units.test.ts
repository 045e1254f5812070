import {readFile} from 'node:fs/promises'

import {expect} from 'chai'

import {entryName, mayHaveCollapsedSlashes, prefixFolder} from '../src/entry-name.ts'
import {resolveSettings} from '../src/settings.ts'
import {passDescriptor} from './support.ts'

describe('pass backend: settings', function () {
  it('takes the store from AWS_VAULT_PASS_PASSWORD_STORE_DIR, then PASSWORD_STORE_DIR, then ~/.password-store', function () {
    const both = {AWS_VAULT_PASS_PASSWORD_STORE_DIR: '/srv/vault-store', PASSWORD_STORE_DIR: '/srv/pass-store'}
    expect(resolveSettings(both, '/home/u').dir).to.equal('/srv/vault-store')
    expect(resolveSettings({PASSWORD_STORE_DIR: '/srv/pass-store'}, '/home/u').dir).to.equal('/srv/pass-store')
    expect(resolveSettings({}, '/home/u').dir).to.equal('/home/u/.password-store')
    expect(resolveSettings({AWS_VAULT_PASS_PASSWORD_STORE_DIR: ''}, '/home/u').dir).to.equal('/home/u/.password-store')
  })

  it('expands ~ in AWS_VAULT_PASS_PASSWORD_STORE_DIR as aws-vault does, and refuses ~user', function () {
    expect(resolveSettings({AWS_VAULT_PASS_PASSWORD_STORE_DIR: '~/stores/aws'}, '/home/u').dir).to.equal('/home/u/stores/aws')
    expect(resolveSettings({AWS_VAULT_PASS_PASSWORD_STORE_DIR: '~'}, '/home/u').dir).to.equal('/home/u')
    expect(() => resolveSettings({AWS_VAULT_PASS_PASSWORD_STORE_DIR: '~other/store'}, '/home/u'))
      .to.throw(/cannot expand ~other\/store/)
      .with.property('code', 'BACKEND_UNAVAILABLE')
  })

  it('runs `pass` with no prefix unless told otherwise', function () {
    expect(resolveSettings({}, '/h')).to.include({command: 'pass', prefix: ''})
    expect(resolveSettings({AWS_VAULT_PASS_CMD: 'gopass', AWS_VAULT_PASS_PREFIX: 'aws-vault'}, '/h')).to.include({
      command: 'gopass',
      prefix: 'aws-vault',
    })
  })
})

describe('pass backend: entry names (aws-vault joins prefix and key as Go paths)', function () {
  it('nests keys with slashes and collapses what Go collapses', function () {
    expect(entryName('', 'work')).to.equal('work')
    expect(entryName('aws-vault', 'work')).to.equal('aws-vault/work')
    expect(entryName('aws-vault', 'oidc:https://sso.example/start/')).to.equal('aws-vault/oidc:https:/sso.example/start')
    expect(entryName('', 'a//b/./c')).to.equal('a/b/c')
    expect(entryName('', '/work')).to.equal('work')
    expect(entryName('', 'x-../up')).to.equal('x-../up')
  })

  it('names no entry for keys that leave the prefix or name nothing', function () {
    for (const key of ['', '.', '..', '../x', 'a/../../x', '/']) expect(entryName('', key), key).to.equal(undefined)
    for (const key of ['.', '../x', 'a/../../x']) expect(entryName('aws-vault', key), key).to.equal(undefined)
  })

  it('cleans the prefix and refuses one outside the store', function () {
    expect(prefixFolder('')).to.equal('')
    expect(prefixFolder('/aws-vault//team/')).to.equal('aws-vault/team')
    expect(() => prefixFolder('../elsewhere')).to.throw(/outside the password store/)
  })

  it('reads back only the listed names a URL may have lost slashes in', function () {
    expect(mayHaveCollapsedSlashes('oidc:https:/sso.example/start')).to.equal(true)
    expect(mayHaveCollapsedSlashes('sts.GetSessionToken,d29yaw,,1700000000')).to.equal(false)
    expect(mayHaveCollapsedSlashes('websites/example.com')).to.equal(false)
  })
})

describe('pass backend: hook', function () {
  it('describes one backend, between the file backend (10) and the OS keyring (30)', async function () {
    const descriptor = await passDescriptor()
    expect(descriptor).to.include({id: 'pass', priority: 20})
    expect(descriptor.summary).to.match(/pass/)
  })

  it('imports nothing at load time but types: the keyring loads when opened', async function () {
    const source = await readFile(new URL('../src/hooks/backends.ts', import.meta.url), 'utf8')
    const imports = source.split('\n').filter((line) => /^import\s/.test(line))
    expect(imports).to.have.length.greaterThan(0)
    for (const line of imports) expect(line).to.match(/^import type /)
  })
})
