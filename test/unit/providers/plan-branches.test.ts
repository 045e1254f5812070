import {expect} from 'chai'

import sources from '../../../src/hooks/sources.ts'
import {parseConfig, resolveProfile} from '../../../src/lib/config/index.ts'
import {VaultError} from '../../../src/lib/errors.ts'
import {planChain, type ChainPlan, type ChainStep} from '../../../src/lib/providers/plan.ts'

// Every branch of aws-vault v7.2's GetProviderForProfile, getSourceCreds, getSourceCredWithSession
// and canUseGetSessionToken, one row each: a config, the profiles with stored keys, and the chain.
const A = 'arn:aws:iam::111111111111:mfa/a'
const B = 'arn:aws:iam::111111111111:mfa/b'
const ROLE = 'arn:aws:iam::222222222222:role/r'

interface Row {
  branch: string
  config: string
  profile: string
  stored: string[]
  noSession?: boolean
  steps?: string[]
  /** Notes the plan must carry (aws-vault's debug wording). */
  notes?: string[]
  /** The profile named by CREDENTIALS_NOT_FOUND. */
  missing?: string
}

const rows: Row[] = [
  // GetProviderForProfile
  {
    branch: 'stored keys → getSourceCredWithSession with the keys: GetSessionToken',
    config: '[profile p]',
    profile: 'p',
    steps: ['keys p', 'GetSessionToken p 3600s'],
    stored: ['p'],
  },
  {
    branch: 'stored keys beat sso_start_url',
    config: '[profile p]\nsso_start_url = https://x.awsapps.com/start\nsso_account_id = 1\nsso_role_name = r',
    profile: 'p',
    steps: ['keys p', 'GetSessionToken p 3600s'],
    stored: ['p'],
  },
  {
    branch: 'source_profile beats sso_start_url, web identity and credential_process',
    config:
      '[profile s]\n[profile p]\nsource_profile = s\nrole_arn = ' +
      ROLE +
      '\nsso_start_url = https://x.awsapps.com/start\nweb_identity_token_file = /t\ncredential_process = /bin/true',
    profile: 'p',
    steps: ['keys s', 'AssumeRole p'],
    stored: ['s'],
  },
  {
    branch: 'no keys, no source_profile: SSO first',
    config: `[profile p]\nsso_start_url = https://x.awsapps.com/start\nweb_identity_token_file = /t\nrole_arn = ${ROLE}`,
    profile: 'p',
    steps: ['source sso p'],
    stored: [],
  },
  {
    branch: 'then web identity',
    config: `[profile p]\nweb_identity_token_file = /t\nrole_arn = ${ROLE}\ncredential_process = /bin/true`,
    profile: 'p',
    steps: ['source web-identity p'],
    stored: [],
  },
  {
    branch: 'then credential_process',
    config: '[profile p]\ncredential_process = /bin/true',
    profile: 'p',
    steps: ['source credential-process p'],
    stored: [],
  },
  {branch: 'nothing at all: credentials missing', config: '[profile p]', missing: 'p', profile: 'p', stored: []},
  // getSourceCreds
  {
    branch: 'stored keys beat source_profile',
    config: '[profile s]\n[profile p]\nsource_profile = s',
    profile: 'p',
    steps: ['keys p', 'GetSessionToken p 3600s'],
    stored: ['p', 's'],
  },
  {
    branch: 'a source_profile without keys: credentials missing for the source',
    config: `[profile s]\n[profile p]\nsource_profile = s\nrole_arn = ${ROLE}`,
    missing: 's',
    profile: 'p',
    stored: [],
  },
  // getSourceCredWithSession
  {
    branch: 'role: AssumeRole from the keys, without MFA',
    config: `[profile s]\n[profile p]\nsource_profile = s\nrole_arn = ${ROLE}`,
    notes: ["profile s: skipping GetSessionToken because profile 'p' has no MFA serial defined"],
    profile: 'p',
    steps: ['keys s', 'AssumeRole p'],
    stored: ['s'],
  },
  {
    branch: 'role with its own mfa_serial: AssumeRole with MFA',
    config: `[profile s]\n[profile p]\nsource_profile = s\nrole_arn = ${ROLE}\nmfa_serial = ${A}`,
    profile: 'p',
    steps: ['keys s', `AssumeRole p mfa=${A}`],
    stored: ['s'],
  },
  {
    branch: 'role whose mfa_serial a GetSessionToken below proved: chained MFA',
    config: `[profile s]\nmfa_serial = ${A}\n[profile p]\nsource_profile = s\nrole_arn = ${ROLE}\nmfa_serial = ${A}`,
    profile: 'p',
    steps: ['keys s', `GetSessionToken s 28800s mfa=${A}`, 'AssumeRole p mfa=chained'],
    stored: ['s'],
  },
  {
    branch: 'no role, keys of the source handed up unwrapped: GetSessionToken with this profile’s mfa_serial',
    config: `[profile s]\n[profile p]\nsource_profile = s\nmfa_serial = ${A}`,
    notes: ["profile s: skipping GetSessionToken because profile 's' has no MFA serial defined"],
    profile: 'p',
    steps: ['keys s', `GetSessionToken p 3600s mfa=${A}`],
    stored: ['s'],
  },
  {
    branch: 'no role, keys of the source, no mfa_serial anywhere: GetSessionToken without MFA',
    config: '[profile s]\n[profile p]\nsource_profile = s',
    profile: 'p',
    steps: ['keys s', 'GetSessionToken p 3600s'],
    stored: ['s'],
  },
  {
    branch: "no role, the source's own mfa_serial is not used for this profile's session",
    config: `[profile s]\nmfa_serial = ${A}\n[profile p]\nsource_profile = s`,
    notes: ["profile s: skipping GetSessionToken because profile 'p' has no MFA serial defined"],
    profile: 'p',
    steps: ['keys s', 'GetSessionToken p 3600s'],
    stored: ['s'],
  },
  {
    branch: 'no role, keys handed up through two profiles without roles',
    config: `[profile s]\n[profile m]\nsource_profile = s\n[profile p]\nsource_profile = m\nmfa_serial = ${A}`,
    profile: 'p',
    steps: ['keys s', `GetSessionToken p 3600s mfa=${A}`],
    stored: ['s'],
  },
  {
    branch: 'no role, the source already made a session: passed through as it is',
    config: `[profile s]\nmfa_serial = ${A}\n[profile p]\nsource_profile = s\nmfa_serial = ${A}`,
    profile: 'p',
    steps: ['keys s', `GetSessionToken s 28800s mfa=${A}`],
    stored: ['s'],
  },
  {
    branch: 'no role on top of a role: the role session passed through',
    config: `[profile s]\n[profile r]\nsource_profile = s\nrole_arn = ${ROLE}\n[profile p]\nsource_profile = r\nmfa_serial = ${A}`,
    profile: 'p',
    steps: ['keys s', 'AssumeRole r'],
    stored: ['s'],
  },
  {
    branch: 'no role on top of SSO: the SSO credentials passed through',
    config: '[profile s]\nsso_start_url = https://x.awsapps.com/start\n[profile p]\nsource_profile = s',
    profile: 'p',
    steps: ['source sso s'],
    stored: [],
  },
  // canUseGetSessionToken
  {
    branch: 'sessions disabled (--no-session): the keys alone',
    config: `[profile p]\nmfa_serial = ${A}`,
    noSession: true,
    notes: ['profile p: skipping GetSessionToken because sessions are disabled (--no-session)'],
    profile: 'p',
    steps: ['keys p'],
    stored: ['p'],
  },
  {
    branch: 'sessions disabled for a profile without role on top of a source',
    config: `[profile s]\n[profile p]\nsource_profile = s\nmfa_serial = ${A}`,
    noSession: true,
    profile: 'p',
    steps: ['keys s'],
    stored: ['s'],
  },
  {
    branch: 'not chained: always allowed, one hour',
    config: `[profile p]\nmfa_serial = ${A}`,
    profile: 'p',
    steps: ['keys p', `GetSessionToken p 3600s mfa=${A}`],
    stored: ['p'],
  },
  {
    branch: 'chained, the profile above has no mfa_serial',
    config: `[profile s]\nmfa_serial = ${A}\n[profile p]\nsource_profile = s\nrole_arn = ${ROLE}`,
    notes: ["profile s: skipping GetSessionToken because profile 'p' has no MFA serial defined"],
    profile: 'p',
    steps: ['keys s', 'AssumeRole p'],
    stored: ['s'],
  },
  {
    branch: 'chained, this profile has no mfa_serial',
    config: `[profile s]\n[profile p]\nsource_profile = s\nrole_arn = ${ROLE}\nmfa_serial = ${A}`,
    notes: ["profile s: skipping GetSessionToken because profile 's' has no MFA serial defined"],
    profile: 'p',
    steps: ['keys s', `AssumeRole p mfa=${A}`],
    stored: ['s'],
  },
  {
    branch: 'chained, the serials differ',
    config: `[profile s]\nmfa_serial = ${B}\n[profile p]\nsource_profile = s\nrole_arn = ${ROLE}\nmfa_serial = ${A}`,
    notes: ["profile s: skipping GetSessionToken because MFA serial doesn't match profile 'p'"],
    profile: 'p',
    steps: ['keys s', `AssumeRole p mfa=${A}`],
    stored: ['s'],
  },
  {
    branch: 'chained, the role above asks for more than an hour',
    config: `[profile s]\nmfa_serial = ${A}\n[profile p]\nsource_profile = s\nrole_arn = ${ROLE}\nmfa_serial = ${A}\nduration_seconds = 7200`,
    notes: [
      "profile s: skipping GetSessionToken because duration 7200s in profile 'p' is greater than the AWS maximum 3600s for chaining MFA",
    ],
    profile: 'p',
    steps: ['keys s', `AssumeRole p mfa=${A}`],
    stored: ['s'],
  },
  {
    branch: 'chained, everything matches: the chained duration (8h)',
    config: `[profile s]\nmfa_serial = ${A}\n[profile p]\nsource_profile = s\nrole_arn = ${ROLE}\nmfa_serial = ${A}\nduration_seconds = 3600`,
    profile: 'p',
    steps: ['keys s', `GetSessionToken s 28800s mfa=${A}`, 'AssumeRole p mfa=chained'],
    stored: ['s'],
  },
]

function line(step: ChainStep): string {
  switch (step.kind) {
    case 'stored-credentials':
      return `keys ${step.profile.name}`
    case 'missing-credentials':
      return `missing keys ${step.profile.name}`
    case 'source':
      return `source ${step.sourceId} ${step.profile.name}`
    case 'get-session-token':
      return `GetSessionToken ${step.profile.name} ${step.durationSeconds}s${step.mfaSerial ? ` mfa=${step.mfaSerial}` : ''}`
    case 'assume-role':
      return `AssumeRole ${step.profile.name}${step.mfaSerial ? ` mfa=${step.mfaSerial}` : step.mfaChained ? ' mfa=chained' : ''}`
  }
}

const builtinSources = await sources()

/** The host's own source with this id, as the registry would find it. */
function builtinSource(id: string | undefined) {
  return id === undefined ? undefined : builtinSources.find((source) => source.id === id)
}

function plan(row: Row): ChainPlan {
  const file = parseConfig(row.config, '/home/u/.aws/config')
  const stored = new Set(row.stored)
  return planChain(resolveProfile(file, row.profile, {env: {}}), {
    hasStoredCredentials: (name) => stored.has(name),
    noSession: row.noSession ?? false,
    sourceFor: (profile) =>
      builtinSource(
        profile.ssoStartUrl
          ? 'sso'
          : profile.webIdentityTokenFile && profile.roleArn
            ? 'web-identity'
            : profile.credentialProcess
              ? 'credential-process'
              : undefined,
      ),
  })
}

describe('chain plan: every branch of aws-vault v7.2 GetProviderForProfile', () => {
  for (const row of rows) {
    it(row.branch, () => {
      if (row.missing) {
        let error: unknown
        try {
          plan(row)
        } catch (caught) {
          error = caught
        }
        expect(error instanceof VaultError && error.code, String(error)).to.equal('CREDENTIALS_NOT_FOUND')
        expect((error as Error).message).to.include(`"${row.missing}"`)
        return
      }
      const result = plan(row)
      expect(result.steps.map(line)).to.deep.equal(row.steps)
      for (const note of row.notes ?? []) expect(result.notes).to.include(note)
    })
  }

  it('for describe: missing keys are planned as the keys they would be, and the chain above goes on', () => {
    const file = parseConfig(`[profile s]\nmfa_serial = ${A}\n[profile p]\nsource_profile = s\nrole_arn = ${ROLE}\nmfa_serial = ${A}`, '/c')
    const result = planChain(resolveProfile(file, 'p', {env: {}}), {
      hasStoredCredentials: () => false,
      markMissing: true,
      noSession: false,
      sourceFor: () => undefined,
    })
    expect(result.steps.map(line)).to.deep.equal(['missing keys s', `GetSessionToken s 28800s mfa=${A}`, 'AssumeRole p mfa=chained'])
  })

  it('the session of a source-profile GetSessionToken is keyed by the profile asked for and its own mfa_serial', () => {
    const result = plan(rows.find((row) => row.branch.startsWith('no role, keys of the source handed up'))!)
    expect(result.steps[1]).to.deep.include({session: {mfaSerial: A, profileName: 'p', type: 'sts.GetSessionToken'}})
  })
})
