import {expect} from 'chai'

import {newAuthToken, tokenCheck} from '../../../src/lib/server/auth-token.ts'
import {ecsCredentialsBody, imdsCredentialsBody} from '../../../src/lib/server/credential-bodies.ts'
import {hostName, isLoopbackAddress, isLoopbackHostName} from '../../../src/lib/server/http.ts'
import {ImdsTokens, requestedTtl} from '../../../src/lib/server/imds-tokens.ts'
import {formatHostPort, parseListenAddress} from '../../../src/lib/server/listen.ts'
import {aliasCommands} from '../../../src/lib/server/loopback-alias.ts'
import {isRoleArn} from '../../../src/lib/server/roles.ts'
import {VaultError} from '../../../src/lib/errors.ts'

describe('server parts', () => {
  describe('auth token', () => {
    it('is fresh on every run, URL-safe and 40 characters long', () => {
      const tokens = new Set(Array.from({length: 50}, () => newAuthToken()))
      expect(tokens.size).to.equal(50)
      for (const token of tokens) expect(token).to.match(/^[\w-]{40}$/)
    })

    it('accepts exactly the token', () => {
      const token = newAuthToken()
      const check = tokenCheck(token)
      expect(check(token)).to.equal(true)
      expect(check(undefined)).to.equal(false)
      expect(check('')).to.equal(false)
      expect(check(token.slice(0, -1))).to.equal(false)
      expect(check(`${token}x`)).to.equal(false)
      expect(check(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).to.equal(false)
      expect(check(`Bearer ${token}`)).to.equal(false)
    })
  })

  describe('Host header and remote address', () => {
    it('takes the name out of a Host header', () => {
      expect(hostName('127.0.0.1:8080')).to.equal('127.0.0.1')
      expect(hostName('LocalHost')).to.equal('localhost')
      expect(hostName('[::1]:9099')).to.equal('::1')
      expect(hostName('evil.example:80')).to.equal('evil.example')
      expect(hostName(undefined)).to.equal(undefined)
      expect(hostName('[::1')).to.equal(undefined)
    })

    it('knows loopback addresses and names', () => {
      for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])
        expect(isLoopbackAddress(address), address).to.equal(true)
      for (const address of ['169.254.169.254', '10.0.0.1', '::', '::ffff:10.0.0.1', '', undefined, 'localhost'])
        expect(isLoopbackAddress(address), address).to.equal(false)
      expect(isLoopbackHostName('localhost')).to.equal(true)
      expect(isLoopbackHostName('127.0.0.1')).to.equal(true)
      expect(isLoopbackHostName('localhost.evil.example')).to.equal(false)
      expect(isLoopbackHostName('127.0.0.1.nip.io')).to.equal(false)
    })
  })

  describe('credential documents', () => {
    const credentials = {
      accessKeyId: 'ASIAEXAMPLE',
      expiration: new Date('2030-01-02T03:04:05.678Z'),
      secretAccessKey: 'secret',
      sessionToken: 'token',
    }

    it('ECS: the four fields SDKs require, expiry in RFC 3339 without fractions', () => {
      expect(JSON.parse(ecsCredentialsBody(credentials, 0))).to.deep.equal({
        AccessKeyId: 'ASIAEXAMPLE',
        Expiration: '2030-01-02T03:04:05Z',
        SecretAccessKey: 'secret',
        Token: 'token',
      })
    })

    it('IMDS: the instance role document', () => {
      const now = Date.parse('2029-12-31T00:00:00Z')
      expect(JSON.parse(imdsCredentialsBody(credentials, now))).to.deep.equal({
        AccessKeyId: 'ASIAEXAMPLE',
        Code: 'Success',
        Expiration: '2030-01-02T03:04:05Z',
        LastUpdated: '2029-12-31T00:00:00Z',
        SecretAccessKey: 'secret',
        Token: 'token',
        Type: 'AWS-HMAC',
      })
    })

    it('announces credentials that never expire as valid for an hour from now', () => {
      const now = Date.parse('2029-12-31T00:00:00Z')
      const body = JSON.parse(ecsCredentialsBody({accessKeyId: 'AKIA', secretAccessKey: 's'}, now)) as Record<string, string>
      expect(body.Expiration).to.equal('2029-12-31T01:00:00Z')
      expect(body.Token).to.equal('')
    })
  })

  describe('IMDSv2 tokens', () => {
    it('are valid until their TTL, only as issued, and only for the instance that issued them', () => {
      const clock = {now: 0}
      const tokens = new ImdsTokens(() => clock.now)
      const token = tokens.issue(60)
      expect(tokens.isValid(token)).to.equal(true)
      expect(tokens.isValid(`${token}x`)).to.equal(false)
      expect(tokens.isValid(`${token}=`)).to.equal(false)
      expect(tokens.isValid('')).to.equal(false)
      // The last character carries padding bits: another one decoding to the same bytes is refused too.
      for (const last of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') {
        const altered = `${token.slice(0, -1)}${last}`
        if (altered !== token) expect(tokens.isValid(altered), altered).to.equal(false)
      }
      expect(new ImdsTokens(() => clock.now).isValid(token)).to.equal(false)
      clock.now = 59_999
      expect(tokens.isValid(token)).to.equal(true)
      clock.now = 60_000
      expect(tokens.isValid(token)).to.equal(false)
    })

    it('take a TTL of 1 to 21600 seconds', () => {
      expect(requestedTtl('1')).to.equal(1)
      expect(requestedTtl('21600')).to.equal(21600)
      for (const bad of ['0', '21601', '-5', '1.5', 'abc', '', undefined, ['60']])
        expect(requestedTtl(bad), String(bad)).to.equal(undefined)
    })
  })

  describe('listen addresses', () => {
    it('parses IPv4 and IPv6 with a port', () => {
      expect(parseListenAddress('127.0.0.1:9099')).to.deep.equal({host: '127.0.0.1', port: 9099})
      expect(parseListenAddress('[::1]:0')).to.deep.equal({host: '::1', port: 0})
      expect(formatHostPort({host: '::1', port: 80})).to.equal('[::1]:80')
      expect(formatHostPort({host: '127.0.0.1', port: 80})).to.equal('127.0.0.1:80')
    })

    it('refuses names, missing ports and ports out of range', () => {
      for (const bad of ['localhost:9099', '127.0.0.1', '127.0.0.1:65536', ':9099', '::1:9099', '127.0.0.1:x']) {
        expect(() => parseListenAddress(bad), bad).to.throw(VaultError, 'is not an address to listen on')
      }
    })
  })

  it('role ARNs: IAM roles of any partition, with paths', () => {
    expect(isRoleArn('arn:aws:iam::123456789012:role/admin')).to.equal(true)
    expect(isRoleArn('arn:aws-cn:iam::123456789012:role/path/to/Role_1+=,.@-')).to.equal(true)
    for (const bad of [
      '',
      'admin',
      'arn:aws:iam::123456789012:user/alice',
      'arn:aws:iam::12345:role/x',
      'arn:aws:iam::123456789012:role/',
      'arn:aws:iam::123456789012:role/a b',
    ]) {
      expect(isRoleArn(bad), bad).to.equal(false)
    }
  })

  it('loopback alias commands as aws-vault runs them', () => {
    expect(aliasCommands('169.254.169.254', 'linux')).to.deep.equal({
      add: ['ip', 'addr', 'add', '169.254.169.254/24', 'dev', 'lo', 'label', 'lo:0'],
      remove: ['ip', 'addr', 'del', '169.254.169.254/24', 'dev', 'lo', 'label', 'lo:0'],
    })
    expect(aliasCommands('169.254.169.254', 'darwin')).to.deep.equal({
      add: ['ifconfig', 'lo0', 'alias', '169.254.169.254'],
      remove: ['ifconfig', 'lo0', '-alias', '169.254.169.254'],
    })
    expect(() => aliasCommands('169.254.169.254', 'win32')).to.throw(VaultError, 'not supported on win32')
  })
})
