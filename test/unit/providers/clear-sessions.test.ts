import {expect} from 'chai'

import {MemoryKeyring} from '../../../src/lib/keyring/memory-keyring.ts'
import {formatSessionKey, oidcTokenKey} from '../../../src/lib/keyring/session-key.ts'
import {clearSessions, isOldSessionKey} from '../../../src/lib/providers/clear-sessions.ts'

const later = new Date('2030-01-01T00:00:00Z')
const START = 'https://example.awsapps.com/start'

async function store(keys: string[]): Promise<MemoryKeyring> {
  const keyring = new MemoryKeyring()
  for (const key of keys) await keyring.set({data: new TextEncoder().encode('{}'), key})
  return keyring
}

const keys = {
  adminRole: formatSessionKey({expiration: later, mfaSerial: '', profileName: 'admin', type: 'sts.AssumeRole'}),
  jonSession: formatSessionKey({expiration: later, mfaSerial: 'arn:aws:iam::1:mfa/jon', profileName: 'jon', type: 'sts.GetSessionToken'}),
  old: 'session,am9u,,1500000000',
  ssoSession: formatSessionKey({expiration: later, mfaSerial: START, profileName: 'sso', type: 'sso.GetRoleCredentials'}),
  ssoToken: oidcTokenKey(START),
  otherToken: oidcTokenKey('https://other.awsapps.com/start'),
}

describe('clearing sessions (aws-vault clear)', () => {
  it('without a profile: every session, old formats and SSO tokens, never stored keys', async () => {
    const keyring = await store([...Object.values(keys), 'jon', 'admin'])
    expect(await clearSessions(keyring)).to.equal(6)
    expect((await keyring.keys()).sort()).to.deep.equal(['admin', 'jon'])
  })

  it("with a profile: only that profile's sessions (an old-format key of it too)", async () => {
    const keyring = await store([...Object.values(keys), 'jon'])
    expect(await clearSessions(keyring, {profileName: 'jon'})).to.equal(2)
    expect(await keyring.keys()).not.to.include.members([keys.jonSession, keys.old])
    expect(await keyring.keys()).to.include.members(['jon', keys.adminRole, keys.ssoToken])
  })

  it('with an SSO profile: its sessions and the token of its start URL', async () => {
    const keyring = await store(Object.values(keys))
    expect(await clearSessions(keyring, {profileName: 'sso', ssoStartUrl: START})).to.equal(2)
    expect(await keyring.keys()).to.include(keys.otherToken)
  })

  it('recognises the session keys of old aws-vault releases', () => {
    expect(isOldSessionKey('session,am9u,,1500000000')).to.equal(true)
    expect(isOldSessionKey('session:jon:arn:1500000000')).to.equal(true)
    expect(isOldSessionKey('jon session (1500000000)')).to.equal(true)
    expect(isOldSessionKey('jon')).to.equal(false)
  })
})
