import {expect} from 'chai'

import {
  type Origin,
  type ProfileFlags,
  type ResolvedKey,
  type ResolvedProfileWithOrigins,
  parseConfig,
  resolveProfile,
} from '../../../src/lib/config/index.ts'
import {type ErrorCode, VaultError} from '../../../src/lib/errors.ts'

const PATH = '/home/u/.aws/config'

type Expected = Partial<Record<ResolvedKey | 'hasSection' | 'raw', unknown>>

interface Row {
  title: string
  ini: string
  profile: string
  env?: Record<string, string | undefined>
  flags?: ProfileFlags
  requireSection?: boolean
  /** Fields of the resolved profile; `undefined` asserts the field is absent. */
  expect?: Expected
  origins?: Partial<Record<ResolvedKey, Origin>>
  details?: Partial<Record<ResolvedKey, string>>
  /** Expectations for sourceProfile, sourceProfile.sourceProfile, … */
  sources?: Array<Expected & {name: string; origins?: Partial<Record<ResolvedKey, Origin>>}>
  error?: {code: ErrorCode; message: RegExp; suggestion?: RegExp}
}

function check(
  profile: ResolvedProfileWithOrigins,
  expected: Expected,
  origins: Partial<Record<ResolvedKey, Origin>> = {},
  label = profile.name,
): void {
  for (const [key, value] of Object.entries(expected)) {
    expect((profile as unknown as Record<string, unknown>)[key], `${label}.${key}`).to.deep.equal(value)
  }
  for (const [key, origin] of Object.entries(origins)) {
    expect(profile.origins[key as ResolvedKey], `${label} origin of ${key}`).to.equal(origin)
  }
}

function run(rows: Row[]): void {
  for (const row of rows) {
    it(row.title, () => {
      const file = parseConfig(row.ini, PATH)
      const resolve = () => resolveProfile(file, row.profile, {env: row.env ?? {}, flags: row.flags, requireSection: row.requireSection})
      if (row.error) {
        let caught: unknown
        try {
          resolve()
        } catch (error) {
          caught = error
        }
        expect(caught instanceof VaultError, `expected a VaultError, got ${String(caught)}`).to.equal(true)
        if (!(caught instanceof VaultError)) return
        expect(caught.code).to.equal(row.error.code)
        expect(caught.message).to.match(row.error.message)
        if (row.error.suggestion) expect(caught.suggestions.join('\n')).to.match(row.error.suggestion)
        return
      }
      const profile = resolve()
      expect(profile.name).to.equal(row.profile)
      check(profile, row.expect ?? {}, row.origins)
      for (const [key, detail] of Object.entries(row.details ?? {})) {
        expect(profile.originDetails[key as ResolvedKey], `detail of ${key}`).to.equal(detail)
      }
      let current: ResolvedProfileWithOrigins | undefined = profile
      for (const source of row.sources ?? []) {
        current = current?.sourceProfile
        expect(current?.name, 'source profile name').to.equal(source.name)
        if (!current) return
        const {name: _name, origins, ...fields} = source
        check(current, fields, origins, `source ${source.name}`)
      }
      if (row.sources !== undefined) expect(current?.sourceProfile, 'end of the source chain').to.equal(undefined)
    })
  }
}

describe('resolveProfile: keys and sections', () => {
  run([
    {
      title: 'reads every profile key',
      ini: `[profile all]
region = eu-west-1
sts_regional_endpoints = regional
mfa_serial = arn:aws:iam::1:mfa/u
mfa_process = otp-cli get aws
role_arn = arn:aws:iam::2:role/admin
external_id = ext-1
role_session_name = me
source_identity = me@example.com
web_identity_token_file = /var/run/token
web_identity_token_process = get-token
credential_process = /bin/creds
sso_start_url = https://legacy/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = ReadOnly
endpoint_url = http://127.0.0.1:4566
duration_seconds = 1800
session_tags = team=core,env=prod
transitive_session_tags = team
`,
      profile: 'all',
      expect: {
        assumeRoleDuration: 1800,
        credentialProcess: '/bin/creds',
        endpointUrl: 'http://127.0.0.1:4566',
        externalId: 'ext-1',
        hasSection: true,
        mfaProcess: 'otp-cli get aws',
        mfaSerial: 'arn:aws:iam::1:mfa/u',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::2:role/admin',
        roleSessionName: 'me',
        sessionTags: {env: 'prod', team: 'core'},
        sourceIdentity: 'me@example.com',
        ssoAccountId: '123456789012',
        ssoRegion: 'us-east-1',
        ssoRoleName: 'ReadOnly',
        ssoStartUrl: 'https://legacy/start',
        stsRegionalEndpoints: 'regional',
        transitiveSessionTags: ['team'],
        webIdentityTokenFile: '/var/run/token',
        webIdentityTokenProcess: 'get-token',
      },
      origins: {assumeRoleDuration: 'profile', region: 'profile', sessionTags: 'profile', transitiveSessionTags: 'profile'},
      details: {region: '[profile all] line 2', assumeRoleDuration: '[profile all] line 18'},
    },
    {
      title: 'keys are case-insensitive',
      ini: '[profile p]\nREGION = eu-west-1\nRole_Arn = arn:r\nMFA_Serial = arn:m\n',
      profile: 'p',
      expect: {
        mfaSerial: 'arn:m',
        region: 'eu-west-1',
        roleArn: 'arn:r',
        raw: {mfa_serial: 'arn:m', region: 'eu-west-1', role_arn: 'arn:r'},
      },
    },
    {
      title: 'profile names are case-sensitive',
      ini: '[profile Work]\nregion = upper\n[profile work]\nregion = lower\n',
      profile: 'Work',
      expect: {region: 'upper'},
    },
    {
      title: 'a differently-cased name is not found, with a hint',
      ini: '[profile Work]\nregion = upper\n',
      profile: 'work',
      requireSection: true,
      error: {code: 'PROFILE_NOT_FOUND', message: /profile "work" is not in \/home\/u\/\.aws\/config/, suggestion: /did you mean "Work"/},
    },
    {
      title: 'comments and inline comments are not values',
      ini: '# leading comment\n; another\n[profile p] # header comment\n# region = commented\nregion = eu-west-1 # inline\nmfa_serial = arn:m ; inline\n',
      profile: 'p',
      expect: {mfaSerial: 'arn:m', region: 'eu-west-1'},
    },
    {
      title: 'nested s3 blocks do not break the profile',
      ini: '[profile p]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 20\n  role_arn = not-a-role\nrole_arn = arn:real\n[default]\nmfa_serial = arn:m\n',
      profile: 'p',
      expect: {mfaSerial: 'arn:m', region: 'eu-west-1', roleArn: 'arn:real'},
    },
    {
      title: 'a bare [name] section is ignored, as aws-vault does',
      ini: '[p]\nregion = ignored\n',
      profile: 'p',
      expect: {hasSection: false, region: undefined},
    },
    {
      title: 'an empty value is unset and lets [default] fill in',
      ini: '[default]\nregion = d\n[profile p]\nregion =\n',
      profile: 'p',
      expect: {region: 'd'},
      origins: {region: 'default'},
    },
    {
      title: 'raw holds every key of the section and what it included, lower-cased, the first one winning',
      ini: '[default]\noutput = json\nregion = d\n[profile base]\ncli_pager = less\nregion = b\n[profile p]\ninclude_profile = base\nRegion = p\nx_custom = 1\n',
      profile: 'p',
      expect: {raw: {cli_pager: 'less', include_profile: 'base', output: 'json', region: 'p', x_custom: '1'}},
    },
  ])
})

describe('resolveProfile: [default] and include_profile', () => {
  run([
    {
      title: '[default] fills what the profile leaves empty',
      ini: '[default]\nregion = us-east-1\nmfa_serial = arn:default-mfa\n[profile p]\nregion = eu-west-1\n',
      profile: 'p',
      expect: {mfaSerial: 'arn:default-mfa', region: 'eu-west-1'},
      origins: {mfaSerial: 'default', region: 'profile'},
      details: {mfaSerial: '[default] line 3'},
    },
    {
      title: 'resolving default itself reads [default] as the profile',
      ini: '[default]\nregion = us-east-1\n',
      profile: 'default',
      expect: {hasSection: true, region: 'us-east-1'},
      origins: {region: 'profile'},
    },
    {
      title: 'include_profile two levels deep',
      ini: '[profile c]\nregion = from-c\nexternal_id = from-c\n[profile b]\ninclude_profile = c\nmfa_serial = from-b\nregion = from-b\n[profile a]\ninclude_profile = b\nrole_arn = from-a\n',
      profile: 'a',
      expect: {externalId: 'from-c', mfaSerial: 'from-b', region: 'from-b', roleArn: 'from-a'},
      origins: {externalId: 'include_profile', mfaSerial: 'include_profile', region: 'include_profile', roleArn: 'profile'},
      details: {externalId: '[profile c] line 3', region: '[profile b] line 7'},
    },
    {
      title: 'include_profile three levels deep',
      ini: '[profile d]\nsso_role_name = from-d\n[profile c]\ninclude_profile = d\n[profile b]\ninclude_profile = c\n[profile a]\ninclude_profile = b\n',
      profile: 'a',
      expect: {ssoRoleName: 'from-d'},
      origins: {ssoRoleName: 'include_profile'},
    },
    {
      title: 'include_profile takes the place of [default] at that level: the included profile beats [default]',
      ini: '[default]\nregion = from-default\n[profile base]\nregion = from-base\n[profile p]\ninclude_profile = base\n',
      profile: 'p',
      expect: {region: 'from-base'},
      origins: {region: 'include_profile'},
    },
    {
      title: 'without include_profile the same profile gets [default]',
      ini: '[default]\nregion = from-default\n[profile base]\nregion = from-base\n[profile p]\n',
      profile: 'p',
      expect: {region: 'from-default'},
      origins: {region: 'default'},
    },
    {
      title: 'the end of an include chain still falls back to [default] (aws-vault recurses into it)',
      ini: '[default]\nmfa_serial = from-default\n[profile base]\nregion = from-base\n[profile p]\ninclude_profile = base\n',
      profile: 'p',
      expect: {mfaSerial: 'from-default', region: 'from-base'},
      origins: {mfaSerial: 'default'},
    },
    {
      title: 'include_profile = default includes [default] explicitly',
      ini: '[default]\nregion = d\n[profile p]\ninclude_profile = default\n',
      profile: 'p',
      expect: {region: 'd'},
      origins: {region: 'include_profile'},
    },
    {
      title: 'the profile itself beats what it includes',
      ini: '[profile base]\nrole_arn = base-role\nduration_seconds = 900\n[profile p]\ninclude_profile = base\nrole_arn = own-role\n',
      profile: 'p',
      expect: {assumeRoleDuration: 900, roleArn: 'own-role'},
      origins: {assumeRoleDuration: 'include_profile', roleArn: 'profile'},
    },
    {
      title: 'include_profile loop of two profiles',
      ini: '[profile a]\ninclude_profile = b\n[profile b]\ninclude_profile = a\n',
      profile: 'a',
      error: {code: 'PROFILE_LOOP', message: /include_profile loop in \/home\/u\/\.aws\/config: a → b → a/},
    },
    {
      title: 'a profile that includes itself',
      ini: '[profile a]\ninclude_profile = a\n',
      profile: 'a',
      error: {code: 'PROFILE_LOOP', message: /include_profile loop .*: a → a$/},
    },
    {
      title: 'a loop further down the include chain names only the cycle',
      ini: '[profile a]\ninclude_profile = b\n[profile b]\ninclude_profile = c\n[profile c]\ninclude_profile = b\n',
      profile: 'a',
      error: {code: 'PROFILE_LOOP', message: /: b → c → b$/},
    },
    {
      title: '[default] including a profile loops back through [default], as in aws-vault',
      ini: '[default]\ninclude_profile = base\n[profile base]\nregion = r\n[profile work]\n',
      profile: 'work',
      error: {code: 'PROFILE_LOOP', message: /: default → base → default$/},
    },
    {
      title: 'include_profile = default without a [default] is an error naming [default]',
      ini: '[profile a]\ninclude_profile = default\n',
      profile: 'a',
      error: {code: 'CONFIG_INVALID', message: /refers to \[default\], which is not in the file/},
    },
    {
      title: 'include_profile naming a missing profile is an error',
      ini: '[profile a]\nregion = r\ninclude_profile = nope\n',
      profile: 'a',
      error: {
        code: 'CONFIG_INVALID',
        message: /include_profile = nope in \[profile a\] \(\/home\/u\/\.aws\/config line 3\) refers to \[profile nope\]/,
      },
    },
  ])
})

describe('resolveProfile: missing profiles', () => {
  run([
    {
      title: 'an unknown profile with requireSection → PROFILE_NOT_FOUND',
      ini: '[profile a]\n',
      profile: 'b',
      requireSection: true,
      error: {code: 'PROFILE_NOT_FOUND', message: /profile "b" is not in/, suggestion: /vault list/},
    },
    {
      title: 'an unknown profile in an absent file says so',
      ini: '',
      profile: 'b',
      requireSection: true,
      error: {code: 'PROFILE_NOT_FOUND', message: /profile "b" is not in/},
    },
    {
      title: 'without requireSection a credentials-only profile resolves, with [default] and defaults',
      ini: '[default]\nregion = d\n',
      profile: 'keys-only',
      expect: {assumeRoleDuration: 3600, hasSection: false, region: 'd', roleArn: undefined},
      origins: {region: 'default'},
    },
    {
      title: 'requireSection accepts an existing section',
      ini: '[profile a]\n',
      profile: 'a',
      requireSection: true,
      expect: {hasSection: true},
    },
  ])
})

describe('resolveProfile: source_profile', () => {
  run([
    {
      title: 'a chain three profiles deep is hydrated into sourceProfile',
      ini: `[profile a]
source_profile = b
role_arn = role-a
[profile b]
source_profile = c
role_arn = role-b
mfa_serial = mfa-b
[profile c]
region = c-region
`,
      profile: 'a',
      expect: {roleArn: 'role-a', sourceProfileName: 'b'},
      sources: [
        {name: 'b', roleArn: 'role-b', mfaSerial: 'mfa-b', sourceProfileName: 'c'},
        {name: 'c', region: 'c-region', sourceProfileName: undefined, hasSection: true},
      ],
    },
    {
      title: 'a chain of four profiles',
      ini: '[profile a]\nsource_profile = b\n[profile b]\nsource_profile = c\n[profile c]\nsource_profile = d\n[profile d]\n',
      profile: 'a',
      sources: [{name: 'b'}, {name: 'c'}, {name: 'd'}],
    },
    {
      title: 'a source profile without a section is resolved (its keys are in the keyring)',
      ini: '[default]\nregion = d\n[profile a]\nsource_profile = keys\nrole_arn = r\n',
      profile: 'a',
      sources: [{name: 'keys', hasSection: false, region: 'd', roleArn: undefined}],
    },
    {
      title: 'a source_profile naming the profile itself is dropped, not a loop',
      ini: '[profile a]\nsource_profile = a\nmfa_serial = m\n',
      profile: 'a',
      expect: {mfaSerial: 'm', sourceProfileName: undefined},
      sources: [],
    },
    {
      title: 'a self source_profile inherited through include_profile is dropped too',
      ini: '[profile base]\nsource_profile = a\n[profile a]\ninclude_profile = base\n',
      profile: 'a',
      expect: {sourceProfileName: undefined},
      sources: [],
    },
    {
      title: 'source_profile comes from include_profile',
      ini: '[profile base]\nsource_profile = root\n[profile a]\ninclude_profile = base\nrole_arn = r\n[profile root]\n',
      profile: 'a',
      expect: {sourceProfileName: 'root'},
      origins: {sourceProfileName: 'include_profile'},
      sources: [{name: 'root'}],
    },
    {
      title: 'source_profile loop of two profiles',
      ini: '[profile a]\nsource_profile = b\n[profile b]\nsource_profile = a\n',
      profile: 'a',
      error: {code: 'PROFILE_LOOP', message: /source_profile loop in \/home\/u\/\.aws\/config: a → b → a/},
    },
    {
      title: 'a source_profile loop further down names only the cycle',
      ini: '[profile a]\nsource_profile = b\n[profile b]\nsource_profile = c\n[profile c]\nsource_profile = b\n',
      profile: 'a',
      error: {code: 'PROFILE_LOOP', message: /source_profile loop .*: b → c → b$/, suggestion: /"b", "c"/},
    },
    {
      title: 'an include loop inside a source profile is reported',
      ini: '[profile a]\nsource_profile = b\n[profile b]\ninclude_profile = b\n',
      profile: 'a',
      error: {code: 'PROFILE_LOOP', message: /include_profile loop .*: b → b$/},
    },
    {
      title: 'each profile of the chain gets its own [default] fallback and built-in durations',
      ini: '[default]\nregion = d\n[profile a]\nsource_profile = b\nduration_seconds = 900\n[profile b]\n',
      profile: 'a',
      expect: {assumeRoleDuration: 900, region: 'd'},
      sources: [{name: 'b', assumeRoleDuration: 3600, region: 'd', origins: {assumeRoleDuration: 'builtin', region: 'default'}}],
    },
  ])
})

describe('resolveProfile: environment', () => {
  const chain =
    '[default]\nregion = d-region\n[profile a]\nsource_profile = b\nregion = a-region\nmfa_serial = a-mfa\nrole_arn = a-role\n[profile b]\nrole_arn = b-role\n'
  run([
    {
      title: 'AWS_REGION beats the profile',
      ini: chain,
      profile: 'a',
      env: {AWS_REGION: 'env-region'},
      expect: {region: 'env-region'},
      origins: {region: 'env'},
      details: {region: 'AWS_REGION'},
    },
    {
      title: 'AWS_REGION beats AWS_DEFAULT_REGION',
      ini: chain,
      profile: 'a',
      env: {AWS_DEFAULT_REGION: 'default-env', AWS_REGION: 'env-region'},
      expect: {region: 'env-region'},
    },
    {
      title: 'AWS_DEFAULT_REGION beats the profile',
      ini: chain,
      profile: 'a',
      env: {AWS_DEFAULT_REGION: 'default-env'},
      expect: {region: 'default-env'},
      details: {region: 'AWS_DEFAULT_REGION'},
    },
    {
      title: 'an empty variable is ignored',
      ini: chain,
      profile: 'a',
      env: {AWS_REGION: '', AWS_ROLE_ARN: ''},
      expect: {region: 'a-region', roleArn: 'a-role'},
    },
    {
      title: 'region, AWS_STS_REGIONAL_ENDPOINTS and AWS_MFA_SERIAL apply to source profiles too',
      ini: chain,
      profile: 'a',
      env: {AWS_MFA_SERIAL: 'env-mfa', AWS_REGION: 'env-region', AWS_STS_REGIONAL_ENDPOINTS: 'legacy'},
      expect: {mfaSerial: 'env-mfa', region: 'env-region', stsRegionalEndpoints: 'legacy'},
      sources: [{name: 'b', mfaSerial: 'env-mfa', region: 'env-region', stsRegionalEndpoints: 'legacy', origins: {mfaSerial: 'env'}}],
    },
    {
      title: 'AWS_ROLE_ARN applies to the active profile only',
      ini: chain,
      profile: 'a',
      env: {AWS_ROLE_ARN: 'env-role'},
      expect: {roleArn: 'env-role'},
      origins: {roleArn: 'env'},
      sources: [{name: 'b', roleArn: 'b-role', origins: {roleArn: 'profile'}}],
    },
    {
      title: 'AWS_ROLE_SESSION_NAME and AWS_SOURCE_IDENTITY apply to the active profile only',
      ini: chain,
      profile: 'a',
      env: {AWS_ROLE_SESSION_NAME: 'env-session', AWS_SOURCE_IDENTITY: 'env-identity'},
      expect: {roleSessionName: 'env-session', sourceIdentity: 'env-identity'},
      sources: [{name: 'b', roleSessionName: undefined, sourceIdentity: undefined}],
    },
    {
      title: 'AWS_SESSION_TAGS and AWS_TRANSITIVE_TAGS apply to the active profile only and beat the profile',
      ini: '[profile a]\nsource_profile = b\nsession_tags = from=profile\ntransitive_session_tags = from\n[profile b]\n',
      profile: 'a',
      env: {AWS_SESSION_TAGS: 'Team = core , Env=prod', AWS_TRANSITIVE_TAGS: 'Team, Env,'},
      expect: {sessionTags: {Env: 'prod', Team: 'core'}, transitiveSessionTags: ['Team', 'Env']},
      origins: {sessionTags: 'env', transitiveSessionTags: 'env'},
      sources: [{name: 'b', sessionTags: {}, transitiveSessionTags: []}],
    },
    {
      title: 'the active-only variables do not reach a source profile even through [default]',
      ini: '[default]\nrole_arn = default-role\n[profile a]\nsource_profile = b\n[profile b]\n',
      profile: 'a',
      env: {AWS_ROLE_ARN: 'env-role'},
      expect: {roleArn: 'env-role'},
      sources: [{name: 'b', roleArn: 'default-role', origins: {roleArn: 'default'}}],
    },
    {
      title: 'the TTL variables take Go durations',
      ini: '[profile a]\n',
      profile: 'a',
      env: {
        AWS_ASSUME_ROLE_TTL: '90m',
        AWS_CHAINED_SESSION_TOKEN_TTL: '1h30m',
        AWS_FEDERATION_TOKEN_TTL: '3600s',
        AWS_SESSION_TOKEN_TTL: '12h',
      },
      expect: {
        assumeRoleDuration: 5400,
        chainedGetSessionTokenDuration: 5400,
        getFederationTokenDuration: 3600,
        nonChainedGetSessionTokenDuration: 43200,
      },
      origins: {
        assumeRoleDuration: 'env',
        chainedGetSessionTokenDuration: 'env',
        getFederationTokenDuration: 'env',
        nonChainedGetSessionTokenDuration: 'env',
      },
      details: {chainedGetSessionTokenDuration: 'AWS_CHAINED_SESSION_TOKEN_TTL'},
    },
    {
      title: 'AWS_ASSUME_ROLE_TTL beats duration_seconds',
      ini: '[profile a]\nduration_seconds = 900\n',
      profile: 'a',
      env: {AWS_ASSUME_ROLE_TTL: '2h'},
      expect: {assumeRoleDuration: 7200},
      origins: {assumeRoleDuration: 'env'},
    },
    {
      title: 'the TTL variables apply to source profiles too',
      ini: '[profile a]\nsource_profile = b\n[profile b]\n',
      profile: 'a',
      env: {AWS_SESSION_TOKEN_TTL: '2h'},
      sources: [{name: 'b', nonChainedGetSessionTokenDuration: 7200}],
    },
    {
      title: 'a zero TTL falls through, as in aws-vault',
      ini: '[profile a]\nduration_seconds = 900\n',
      profile: 'a',
      env: {AWS_ASSUME_ROLE_TTL: '0s'},
      expect: {assumeRoleDuration: 900},
    },
    {
      title: 'a duration without a unit in a TTL variable is CONFIG_INVALID',
      ini: '[profile a]\n',
      profile: 'a',
      env: {AWS_ASSUME_ROLE_TTL: '3600'},
      error: {
        code: 'CONFIG_INVALID',
        message: /AWS_ASSUME_ROLE_TTL=3600 is not a duration: missing unit/,
        suggestion: /AWS_ASSUME_ROLE_TTL=1h/,
      },
    },
    {
      title: 'a garbled TTL variable is CONFIG_INVALID',
      ini: '[profile a]\n',
      profile: 'a',
      env: {AWS_SESSION_TOKEN_TTL: 'one hour'},
      error: {code: 'CONFIG_INVALID', message: /AWS_SESSION_TOKEN_TTL/},
    },
    {
      title: 'a negative TTL variable is CONFIG_INVALID',
      ini: '[profile a]\n',
      profile: 'a',
      env: {AWS_FEDERATION_TOKEN_TTL: '-1h'},
      error: {code: 'CONFIG_INVALID', message: /AWS_FEDERATION_TOKEN_TTL=-1h is negative/},
    },
    {
      title: 'a bad AWS_CHAINED_SESSION_TOKEN_TTL is CONFIG_INVALID even when a flag would win',
      ini: '[profile a]\n',
      profile: 'a',
      env: {AWS_CHAINED_SESSION_TOKEN_TTL: '8 hours'},
      flags: {chainedGetSessionTokenDuration: 60},
      error: {code: 'CONFIG_INVALID', message: /AWS_CHAINED_SESSION_TOKEN_TTL/},
    },
    {
      title: 'a bad AWS_SESSION_TAGS is CONFIG_INVALID naming the variable',
      ini: '[profile a]\n',
      profile: 'a',
      env: {AWS_SESSION_TAGS: 'team=core,oops'},
      error: {code: 'CONFIG_INVALID', message: /AWS_SESSION_TAGS=team=core,oops: "oops" is not key=value/},
    },
    {
      title: 'a bad AWS_SESSION_TAGS does not matter to a source profile',
      ini: '[profile a]\nsource_profile = b\n[profile b]\n',
      profile: 'b',
      env: {AWS_SESSION_TAGS: 'team=core'},
      expect: {sessionTags: {team: 'core'}},
    },
  ])
})

describe('resolveProfile: flags', () => {
  run([
    {
      title: '--region beats AWS_REGION and the profile',
      ini: '[profile a]\nregion = profile-region\n',
      profile: 'a',
      env: {AWS_REGION: 'env-region'},
      flags: {region: 'flag-region'},
      expect: {region: 'flag-region'},
      origins: {region: 'flag'},
      details: {region: '--region'},
    },
    {
      title: 'a duration flag beats AWS_ASSUME_ROLE_TTL and duration_seconds',
      ini: '[profile a]\nduration_seconds = 900\n',
      profile: 'a',
      env: {AWS_ASSUME_ROLE_TTL: '2h', AWS_SESSION_TOKEN_TTL: '3h'},
      flags: {assumeRoleDuration: 600, nonChainedGetSessionTokenDuration: 1200},
      expect: {assumeRoleDuration: 600, nonChainedGetSessionTokenDuration: 1200},
      origins: {assumeRoleDuration: 'flag', nonChainedGetSessionTokenDuration: 'flag'},
    },
    {
      title: 'flags apply to every profile of the chain, as aws-vault copies its base config',
      ini: '[profile a]\nsource_profile = b\n[profile b]\nregion = b-region\n',
      profile: 'a',
      flags: {getFederationTokenDuration: 7200, region: 'flag-region'},
      expect: {getFederationTokenDuration: 7200, region: 'flag-region'},
      sources: [{name: 'b', getFederationTokenDuration: 7200, region: 'flag-region', origins: {region: 'flag'}}],
    },
    {
      title: 'an empty region flag or a zero duration flag is unset',
      ini: '[profile a]\nregion = r\nduration_seconds = 900\n',
      profile: 'a',
      flags: {assumeRoleDuration: 0, region: ''},
      expect: {assumeRoleDuration: 900, region: 'r'},
    },
    {
      title: 'a fractional duration flag is a usage error',
      ini: '[profile a]\n',
      profile: 'a',
      flags: {assumeRoleDuration: 1.5},
      error: {code: 'USAGE', message: /--duration must be a whole number of seconds/},
    },
  ])
})

describe('resolveProfile: durations', () => {
  run([
    {
      title: 'built-in defaults: 1h, 1h, 8h when chained, 1h',
      ini: '[profile a]\n',
      profile: 'a',
      expect: {
        assumeRoleDuration: 3600,
        chainedGetSessionTokenDuration: 28800,
        getFederationTokenDuration: 3600,
        nonChainedGetSessionTokenDuration: 3600,
      },
      origins: {
        assumeRoleDuration: 'builtin',
        chainedGetSessionTokenDuration: 'builtin',
        getFederationTokenDuration: 'builtin',
        nonChainedGetSessionTokenDuration: 'builtin',
      },
    },
    {
      title: 'duration_seconds sets the AssumeRole duration only',
      ini: '[profile a]\nduration_seconds = 43200\n',
      profile: 'a',
      expect: {assumeRoleDuration: 43200, nonChainedGetSessionTokenDuration: 3600},
    },
    {
      title: 'duration_seconds = 0 is unset',
      ini: '[default]\nduration_seconds = 1200\n[profile a]\nduration_seconds = 0\n',
      profile: 'a',
      expect: {assumeRoleDuration: 1200},
      origins: {assumeRoleDuration: 'default'},
    },
    {
      title: 'duration_seconds with a unit is CONFIG_INVALID naming the key and line',
      ini: '[profile a]\nregion = r\nduration_seconds = 1h\n',
      profile: 'a',
      error: {
        code: 'CONFIG_INVALID',
        message: /duration_seconds = 1h in \[profile a\] \(\/home\/u\/\.aws\/config line 3\) is not a whole number of seconds/,
      },
    },
    {
      title: 'a negative duration_seconds is CONFIG_INVALID',
      ini: '[profile a]\nduration_seconds = -5\n',
      profile: 'a',
      error: {code: 'CONFIG_INVALID', message: /duration_seconds = -5/},
    },
    {
      title: 'a bad duration_seconds in an included profile is reported even when overridden',
      ini: '[profile base]\nduration_seconds = soon\n[profile a]\ninclude_profile = base\nduration_seconds = 900\n',
      profile: 'a',
      error: {code: 'CONFIG_INVALID', message: /\[profile base\] \(\/home\/u\/\.aws\/config line 2\)/},
    },
  ])
})

describe('resolveProfile: session tags', () => {
  run([
    {
      title: 'session_tags and transitive_session_tags are parsed and trimmed',
      ini: '[profile a]\nsession_tags = Team = core , Env=prod,Empty=\ntransitive_session_tags = Team , ,Env\n',
      profile: 'a',
      expect: {sessionTags: {Empty: '', Env: 'prod', Team: 'core'}, transitiveSessionTags: ['Team', 'Env']},
    },
    {
      title: 'a tag value may contain "="',
      ini: '[profile a]\nsession_tags = expr=a=b\n',
      profile: 'a',
      expect: {sessionTags: {expr: 'a=b'}},
    },
    {
      title: 'the first section with session_tags wins whole, tags are not merged',
      ini: '[default]\nsession_tags = a=1,b=2\n[profile a]\nsession_tags = c=3\n',
      profile: 'a',
      expect: {sessionTags: {c: '3'}},
    },
    {
      title: 'session_tags with an item lacking "=" is CONFIG_INVALID naming the key and line',
      ini: '[profile a]\n\nsession_tags = team=core,broken\n',
      profile: 'a',
      error: {
        code: 'CONFIG_INVALID',
        message: /session_tags in \[profile a\] \(\/home\/u\/\.aws\/config line 3\): "broken" is not key=value/,
      },
    },
    {
      title: 'session_tags with a trailing comma is CONFIG_INVALID',
      ini: '[profile a]\nsession_tags = team=core,\n',
      profile: 'a',
      error: {code: 'CONFIG_INVALID', message: /session_tags/},
    },
    {
      title: 'session_tags with an empty key is CONFIG_INVALID',
      ini: '[profile a]\nsession_tags = =value\n',
      profile: 'a',
      error: {code: 'CONFIG_INVALID', message: /"=value" is not key=value/},
    },
  ])
})

describe('resolveProfile: sso-session', () => {
  const session =
    '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\nsso_registration_scopes = sso:account:access\n'
  run([
    {
      title: 'sso_session fills start URL, region and scopes from [sso-session]',
      ini: `${session}[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Dev\nregion = eu-west-1\n`,
      profile: 'dev',
      expect: {
        region: 'eu-west-1',
        ssoAccountId: '111111111111',
        ssoRegion: 'eu-central-1',
        ssoRegistrationScopes: 'sso:account:access',
        ssoRoleName: 'Dev',
        ssoSession: 'corp',
        ssoStartUrl: 'https://corp.awsapps.com/start',
      },
      origins: {ssoRegion: 'sso-session', ssoRegistrationScopes: 'sso-session', ssoSession: 'profile', ssoStartUrl: 'sso-session'},
      details: {ssoStartUrl: '[sso-session corp] line 2'},
    },
    {
      title: 'the [sso-session] values beat the profile’s own legacy keys, as in aws-vault',
      ini: `${session}[profile dev]\nsso_session = corp\nsso_start_url = https://legacy/start\n`,
      profile: 'dev',
      expect: {ssoStartUrl: 'https://corp.awsapps.com/start'},
    },
    {
      title: 'a key the [sso-session] lacks comes from the profile',
      ini: '[sso-session corp]\nsso_start_url = https://corp/start\n[profile dev]\nsso_session = corp\nsso_region = us-west-2\n',
      profile: 'dev',
      expect: {ssoRegion: 'us-west-2', ssoStartUrl: 'https://corp/start'},
      origins: {ssoRegion: 'profile', ssoStartUrl: 'sso-session'},
    },
    {
      title: 'sso_registration_scopes is read from [sso-session] only',
      ini: '[profile dev]\nsso_registration_scopes = x\n',
      profile: 'dev',
      expect: {ssoRegistrationScopes: undefined},
    },
    {
      title: 'sso_session through include_profile',
      ini: `${session}[profile base]\nsso_session = corp\n[profile dev]\ninclude_profile = base\nsso_role_name = Dev\n`,
      profile: 'dev',
      expect: {ssoRoleName: 'Dev', ssoSession: 'corp', ssoStartUrl: 'https://corp.awsapps.com/start'},
      origins: {ssoSession: 'include_profile', ssoStartUrl: 'sso-session'},
    },
    {
      title: 'sso_session naming a missing [sso-session] is CONFIG_INVALID',
      ini: '[profile dev]\nsso_session = nope\n',
      profile: 'dev',
      error: {
        code: 'CONFIG_INVALID',
        message: /sso_session = nope in \[profile dev\] \(\/home\/u\/\.aws\/config line 2\) refers to \[sso-session nope\]/,
      },
    },
    {
      title: 'legacy sso keys without sso_session',
      ini: '[profile dev]\nsso_start_url = https://legacy/start\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n',
      profile: 'dev',
      expect: {ssoAccountId: '1', ssoRegion: 'us-east-1', ssoRoleName: 'R', ssoSession: undefined, ssoStartUrl: 'https://legacy/start'},
    },
  ])
})
