import {expect} from 'chai'

import sources from '../../../src/hooks/sources.ts'
import {parseConfig, resolveProfile, type ProfileFlags} from '../../../src/lib/config/index.ts'
import {VaultError} from '../../../src/lib/errors.ts'
import {planChain, type ChainStep} from '../../../src/lib/providers/plan.ts'

const JON = 'arn:aws:iam::111111111111:mfa/jon'
const OTHER = 'arn:aws:iam::111111111111:mfa/other'

const INI = `
[profile jon]
mfa_serial = ${JON}

[profile nomfa]

[profile role-shared-mfa]
source_profile = jon
role_arn = arn:aws:iam::222222222222:role/admin
mfa_serial = ${JON}

[profile role-no-mfa]
source_profile = jon
role_arn = arn:aws:iam::222222222222:role/readonly

[profile role-own-mfa]
source_profile = nomfa
role_arn = arn:aws:iam::222222222222:role/admin
mfa_serial = ${JON}

[profile role-other-mfa]
source_profile = jon
role_arn = arn:aws:iam::222222222222:role/admin
mfa_serial = ${OTHER}

[profile role-long]
source_profile = jon
role_arn = arn:aws:iam::222222222222:role/long
mfa_serial = ${JON}
duration_seconds = 7200

[profile role-on-role]
source_profile = role-shared-mfa
role_arn = arn:aws:iam::333333333333:role/deep
mfa_serial = ${JON}
duration_seconds = 7200

[profile keys-and-role]
source_profile = jon
role_arn = arn:aws:iam::222222222222:role/own
mfa_serial = ${JON}

[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 222222222222
sso_role_name = Dev

[profile role-on-sso]
source_profile = sso
role_arn = arn:aws:iam::222222222222:role/from-sso
duration_seconds = 7200

[profile process]
credential_process = /bin/true

[profile orphan]
region = eu-west-1
`

const file = parseConfig(INI, '/home/u/.aws/config')

interface Options {
  env?: Record<string, string>
  flags?: ProfileFlags
  stored?: string[]
  noSession?: boolean
}

const builtinSources = await sources()

function plan(name: string, options: Options = {}) {
  const profile = resolveProfile(file, name, {env: options.env ?? {}, flags: options.flags ?? {}})
  const stored = new Set(options.stored ?? ['jon', 'nomfa'])
  return planChain(profile, {
    hasStoredCredentials: (candidate) => stored.has(candidate),
    noSession: options.noSession ?? false,
    sourceFor: (candidate) => builtinSources.find((source) => source.matches(candidate)),
  })
}

/** A step as one short line, to compare whole chains at a glance. */
function line(step: ChainStep): string {
  switch (step.kind) {
    case 'stored-credentials':
      return `keys ${step.profile.name}`
    case 'missing-credentials':
      return `missing keys ${step.profile.name}`
    case 'source':
      return `source ${step.sourceId} ${step.profile.name}${step.session ? ` cached as ${step.session.type}` : ''}`
    case 'get-session-token':
      return `GetSessionToken ${step.profile.name} ${step.durationSeconds}s${step.mfaSerial ? ` mfa=${step.mfaSerial}` : ''}`
    case 'assume-role': {
      const mfa = step.mfaSerial ? ` mfa=${step.mfaSerial}` : step.mfaChained ? ' mfa=chained' : ''
      return `AssumeRole ${step.profile.name} ${step.durationSeconds}s${mfa}${step.chained ? ' chained' : ''}`
    }
  }
}

const lines = (name: string, options?: Options) => plan(name, options).steps.map(line)

describe('chain plan (aws-vault v7 decisions)', () => {
  it('a user profile: stored keys wrapped in a one-hour GetSessionToken with its MFA', () => {
    expect(lines('jon')).to.deep.equal(['keys jon', `GetSessionToken jon 3600s mfa=${JON}`])
    expect(lines('nomfa')).to.deep.equal(['keys nomfa', 'GetSessionToken nomfa 3600s'])
  })

  it('--duration sets the GetSessionToken of a user profile', () => {
    expect(lines('jon', {flags: {assumeRoleDuration: 7200, nonChainedGetSessionTokenDuration: 7200}})).to.deep.equal([
      'keys jon',
      `GetSessionToken jon 7200s mfa=${JON}`,
    ])
  })

  it('--no-session: the stored keys alone', () => {
    const result = plan('jon', {noSession: true})
    expect(result.steps.map(line)).to.deep.equal(['keys jon'])
    expect(result.notes).to.deep.equal(['profile jon: skipping GetSessionToken because sessions are disabled (--no-session)'])
  })

  it('a role sharing the mfa_serial of its source: GetSessionToken for 8h with MFA, the role without a code', () => {
    const result = plan('role-shared-mfa')
    expect(result.steps.map(line)).to.deep.equal([
      'keys jon',
      `GetSessionToken jon 28800s mfa=${JON}`,
      'AssumeRole role-shared-mfa 3600s mfa=chained chained',
    ])
    expect(result.steps[1]).to.deep.include({session: {mfaSerial: JON, profileName: 'jon', type: 'sts.GetSessionToken'}})
    expect(result.steps[2]).to.deep.include({session: {mfaSerial: JON, profileName: 'role-shared-mfa', type: 'sts.AssumeRole'}})
  })

  it('a role without mfa_serial: no GetSessionToken, AssumeRole from the keys, still cached', () => {
    const result = plan('role-no-mfa')
    expect(result.steps.map(line)).to.deep.equal(['keys jon', 'AssumeRole role-no-mfa 3600s'])
    expect(result.notes).to.include("profile jon: skipping GetSessionToken because profile 'role-no-mfa' has no MFA serial defined")
    expect(result.steps[1]).to.deep.include({session: {mfaSerial: '', profileName: 'role-no-mfa', type: 'sts.AssumeRole'}})
  })

  it('mfa_serial only on the role: the code goes with AssumeRole', () => {
    const result = plan('role-own-mfa')
    expect(result.steps.map(line)).to.deep.equal(['keys nomfa', `AssumeRole role-own-mfa 3600s mfa=${JON}`])
    expect(result.notes).to.include("profile nomfa: skipping GetSessionToken because profile 'nomfa' has no MFA serial defined")
  })

  it('different mfa_serials: no shared session, the role asks with its own device', () => {
    const result = plan('role-other-mfa')
    expect(result.steps.map(line)).to.deep.equal(['keys jon', `AssumeRole role-other-mfa 3600s mfa=${OTHER}`])
    expect(result.notes).to.include("profile jon: skipping GetSessionToken because MFA serial doesn't match profile 'role-other-mfa'")
  })

  it('a role asking for more than an hour: no GetSessionToken, so AWS allows the duration', () => {
    expect(lines('role-long')).to.deep.equal(['keys jon', `AssumeRole role-long 7200s mfa=${JON}`])
    expect(lines('role-shared-mfa', {flags: {assumeRoleDuration: 7200, nonChainedGetSessionTokenDuration: 7200}})).to.deep.equal([
      'keys jon',
      `AssumeRole role-shared-mfa 7200s mfa=${JON}`,
    ])
  })

  it('a role assumed from another role is capped to one hour, with a note', () => {
    const result = plan('role-on-role')
    expect(result.steps.map(line)).to.deep.equal([
      'keys jon',
      `GetSessionToken jon 28800s mfa=${JON}`,
      'AssumeRole role-shared-mfa 3600s mfa=chained chained',
      'AssumeRole role-on-role 3600s mfa=chained chained',
    ])
    const top = result.steps[3]
    expect(top).to.deep.include({durationSeconds: 3600, requestedDurationSeconds: 7200})
    expect(result.notes).to.include('profile role-on-role: role chaining allows one hour, so AssumeRole asks for 3600s instead of 7200s')
  })

  it('stored keys beat source_profile; such a profile assumes its role straight from them', () => {
    expect(lines('keys-and-role', {stored: ['jon', 'keys-and-role']})).to.deep.equal([
      'keys keys-and-role',
      `AssumeRole keys-and-role 3600s mfa=${JON}`,
    ])
  })

  it('AWS_MFA_SERIAL applies to every profile of the chain, and beats the profiles', () => {
    expect(lines('role-no-mfa', {env: {AWS_MFA_SERIAL: OTHER}})).to.deep.equal([
      'keys jon',
      `GetSessionToken jon 28800s mfa=${OTHER}`,
      'AssumeRole role-no-mfa 3600s mfa=chained chained',
    ])
  })

  it('a profile without keys or source_profile takes the first matching source, cached under its session type', () => {
    expect(lines('sso')).to.deep.equal(['source sso sso cached as sso.GetRoleCredentials'])
    expect(plan('sso').steps[0]).to.deep.include({
      session: {mfaSerial: 'https://example.awsapps.com/start', profileName: 'sso', type: 'sso.GetRoleCredentials'},
    })
    expect(lines('process')).to.deep.equal(['source credential-process process cached as credential_process'])
  })

  it("a plugin's source is cached when its descriptor declares a session, and asked every time when it does not", () => {
    const profile = resolveProfile(file, 'process', {env: {}, flags: {}})
    const planWith = (source: {id: string; cachedSession?: () => {type: string; mfaSerial: string}}) =>
      planChain(profile, {hasStoredCredentials: () => false, noSession: false, sourceFor: () => source}).steps[0]
    expect(planWith({cachedSession: () => ({mfaSerial: 'vault-x', type: 'acme.Token'}), id: 'acme'})).to.deep.include({
      session: {mfaSerial: 'vault-x', profileName: 'process', type: 'acme.Token'},
      sourceId: 'acme',
    })
    expect(planWith({id: 'acme'})).not.to.have.property('session')
  })

  it('a role on top of a source is chained, so capped to an hour', () => {
    expect(lines('role-on-sso')).to.deep.equal(['source sso sso cached as sso.GetRoleCredentials', 'AssumeRole role-on-sso 3600s chained'])
  })

  it('stored keys beat a source', () => {
    expect(lines('sso', {stored: ['sso']})).to.deep.equal(['keys sso', 'GetSessionToken sso 3600s'])
  })

  it('no keys, no source_profile, no source: CREDENTIALS_NOT_FOUND naming the profile', () => {
    try {
      plan('orphan')
      expect.fail('expected an error')
    } catch (error) {
      expect(error instanceof VaultError && error.code).to.equal('CREDENTIALS_NOT_FOUND')
      expect((error as Error).message).to.include('"orphan"')
    }
  })
})
