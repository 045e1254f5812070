import {expect} from 'chai'

import {ykmanArgs} from '../src/ykman-args.ts'

const serial = 'arn:aws:iam::111111111111:mfa/jo'

describe('ykman command line', () => {
  it('asks ykman 4+ for the account named after the MFA serial by default', () => {
    expect(ykmanArgs(serial, {})).to.deep.equal(['oath', 'accounts', 'code', '--single', serial])
  })

  it('uses YKMAN_OATH_CREDENTIAL_NAME as the account when set', () => {
    expect(ykmanArgs(serial, {YKMAN_OATH_CREDENTIAL_NAME: 'Amazon Web Services:jo@work'})).to.deep.equal([
      'oath',
      'accounts',
      'code',
      '--single',
      'Amazon Web Services:jo@work',
    ])
  })

  it('puts --device first when YKMAN_OATH_DEVICE_SERIAL picks a key', () => {
    expect(ykmanArgs(serial, {YKMAN_OATH_DEVICE_SERIAL: '12345678'})).to.deep.equal([
      '--device',
      '12345678',
      'oath',
      'accounts',
      'code',
      '--single',
      serial,
    ])
  })

  it('uses `oath code` for ykman 1, 2 and 3 only', () => {
    for (const version of ['1', '2', '3']) {
      expect(ykmanArgs(serial, {AWS_VAULT_YKMAN_VERSION: version}), version).to.deep.equal(['oath', 'code', '--single', serial])
    }
    for (const version of ['4', '5', '', '3.1', 'x']) {
      expect(ykmanArgs(serial, {AWS_VAULT_YKMAN_VERSION: version}), version).to.deep.equal(['oath', 'accounts', 'code', '--single', serial])
    }
  })

  it('treats empty settings as unset', () => {
    expect(ykmanArgs(serial, {YKMAN_OATH_CREDENTIAL_NAME: '', YKMAN_OATH_DEVICE_SERIAL: ''})).to.deep.equal([
      'oath',
      'accounts',
      'code',
      '--single',
      serial,
    ])
  })
})
