import {expect} from 'chai'

import type {ResolvedProfile} from '../../../src/lib/plugin-api/index.ts'

import {consoleRoute, environmentCredentials} from '../../../src/lib/login/console-credentials.ts'
import {browserCommands} from '../../../src/lib/login/open-browser.ts'
import {federatedUserName} from '../../../src/lib/sts/federation.ts'

const profile = (fields: Partial<ResolvedProfile>): ResolvedProfile => ({
  assumeRoleDuration: 3600,
  chainedGetSessionTokenDuration: 28_800,
  getFederationTokenDuration: 3600,
  name: 'p',
  nonChainedGetSessionTokenDuration: 3600,
  raw: {},
  sessionTags: {},
  transitiveSessionTags: [],
  ...fields,
})

describe('which credentials open the console', () => {
  it('a role is used as it is, even when the profile has stored keys', () => {
    expect(consoleRoute(profile({roleArn: 'arn:aws:iam::1:role/r'}), 'p')).to.deep.equal({kind: 'chain'})
  })

  it('stored keys (own or a source_profile’s) go through GetFederationToken', () => {
    expect(consoleRoute(profile({}), 'p')).to.deep.equal({kind: 'federate-stored', storedProfile: 'p'})
    expect(consoleRoute(profile({sourceProfileName: 'base'}), 'base')).to.deep.equal({kind: 'federate-stored', storedProfile: 'base'})
  })

  it('SSO and web identity are used as they are', () => {
    expect(consoleRoute(profile({ssoStartUrl: 'https://x.awsapps.com/start'}), undefined).kind).to.equal('chain')
    expect(consoleRoute(profile({ssoSession: 'corp'}), undefined).kind).to.equal('chain')
    expect(consoleRoute(profile({webIdentityTokenFile: '/t'}), undefined).kind).to.equal('chain')
  })

  it('credential_process decides by what it returns', () => {
    expect(consoleRoute(profile({credentialProcess: 'x'}), undefined).kind).to.equal('chain-or-federate')
  })

  it('reads the SDK variables from the environment, none without both halves of a key', () => {
    expect(environmentCredentials({AWS_ACCESS_KEY_ID: 'AKIA1'})).to.equal(undefined)
    expect(environmentCredentials({AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's'})).to.deep.equal({
      accessKeyId: 'AKIA1',
      secretAccessKey: 's',
    })
    expect(environmentCredentials({AWS_ACCESS_KEY_ID: 'ASIA1', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't'})?.sessionToken).to.equal(
      't',
    )
  })
})

describe('GetFederationToken names', () => {
  it('keeps a valid user name and cuts it to 32 characters', () => {
    expect(federatedUserName('alice@example.com')).to.equal('alice@example.com')
    expect(federatedUserName('a'.repeat(40))).to.equal('a'.repeat(32))
  })

  it('replaces characters GetFederationToken refuses and pads a one-letter name', () => {
    expect(federatedUserName('a b')).to.equal('a-b')
    expect(federatedUserName('x')).to.equal('x-')
  })
})

describe('BROWSER', () => {
  const url = 'https://signin.example/federation?a=1'

  it('appends the URL to a command without %s', () => {
    expect(browserCommands('firefox', url)).to.deep.equal([['firefox', url]])
  })

  it('puts the URL where %s stands and keeps the other words', () => {
    expect(browserCommands('chromium --new-window %s', url)).to.deep.equal([['chromium', '--new-window', url]])
  })

  it('splits the list on colons and skips empty entries', () => {
    expect(browserCommands('w3m::lynx %s', url)).to.deep.equal([
      ['w3m', url],
      ['lynx', url],
    ])
  })
})
