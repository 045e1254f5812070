// Config shapes whose chains the side-by-side suite compares: every way a profile can get its
// credentials in aws-vault v7.2 (stored keys, source_profile with and without role_arn, MFA shared,
// chained or not, SSO, web identity, credential_process, include_profile, [default], environment
// and flags), plus the ways they can be missing. No region anywhere: aws-vault then stops at its
// first STS call instead of reaching for the network.

export interface Shape {
  name: string
  config: string
  /** Profiles with long-term keys in the store. */
  stored: string[]
  profile: string
  /** Flags both take: aws-vault exec and vault describe. */
  flags?: string[]
  env?: Record<string, string>
}

const A = 'arn:aws:iam::111111111111:mfa/a'
const B = 'arn:aws:iam::111111111111:mfa/b'
const R = 'arn:aws:iam::222222222222:role/r'
const R2 = 'arn:aws:iam::333333333333:role/r2'
const SSO = 'sso_start_url = https://compat.awsapps.com/start\nsso_account_id = 222222222222\nsso_role_name = Dev'

const profiles = (sections: Record<string, string>) =>
  Object.entries(sections)
    .map(([name, body]) => `[${name === 'default' || name.startsWith('sso-session ') ? name : `profile ${name}`}]\n${body}\n`)
    .join('\n')

export const shapes: Shape[] = [
  {config: profiles({p: ''}), name: 'user with keys', profile: 'p', stored: ['p']},
  {config: profiles({p: `mfa_serial = ${A}`}), name: 'user with keys and MFA', profile: 'p', stored: ['p']},
  {config: '', name: 'keys without a config section', profile: 'p', stored: ['p']},
  {config: profiles({default: `mfa_serial = ${A}`, p: ''}), name: 'mfa_serial from [default]', profile: 'p', stored: ['p']},
  {config: profiles({p: `mfa_serial = ${A}`}), flags: ['--no-session'], name: 'user --no-session', profile: 'p', stored: ['p']},
  {config: profiles({p: `mfa_serial = ${A}`}), flags: ['-d', '2h'], name: 'user --duration 2h', profile: 'p', stored: ['p']},
  {
    config: profiles({p: `source_profile = s\nmfa_serial = ${A}`, s: ''}),
    name: 'source_profile, no role, MFA on the profile',
    profile: 'p',
    stored: ['s'],
  },
  {config: profiles({p: 'source_profile = s', s: ''}), name: 'source_profile, no role, no MFA', profile: 'p', stored: ['s']},
  {
    config: profiles({p: 'source_profile = s', s: `mfa_serial = ${A}`}),
    name: 'source_profile, no role, MFA on the source only',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nmfa_serial = ${A}`, s: `mfa_serial = ${A}`}),
    name: 'source_profile, no role, same MFA on both',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nmfa_serial = ${A}`, s: `mfa_serial = ${B}`}),
    name: 'source_profile, no role, different MFA',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({m: 'source_profile = s', p: `source_profile = m\nmfa_serial = ${A}`, s: ''}),
    name: 'source_profile through two profiles without roles',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nmfa_serial = ${A}`, s: ''}),
    flags: ['--no-session'],
    name: 'source_profile, no role, --no-session',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nmfa_serial = ${A}`, s: ''}),
    name: 'own keys beat source_profile',
    profile: 'p',
    stored: ['p', 's'],
  },
  {config: profiles({p: `source_profile = s\nrole_arn = ${R}`, s: ''}), name: 'role without MFA', profile: 'p', stored: ['s']},
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}`, s: ''}),
    name: 'role with its own MFA',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}`, s: `mfa_serial = ${A}`}),
    name: 'role sharing the MFA of its source',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}`, s: `mfa_serial = ${A}`}),
    name: 'role without MFA on a source with MFA',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}`, s: `mfa_serial = ${B}`}),
    name: 'role with a different MFA than its source',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}\nduration_seconds = 7200`, s: `mfa_serial = ${A}`}),
    name: 'role sharing MFA, asking for two hours',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}\nduration_seconds = 3600`, s: `mfa_serial = ${A}`}),
    name: 'role sharing MFA, asking for one hour',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}`, s: `mfa_serial = ${A}`}),
    flags: ['-d', '2h'],
    name: 'role sharing MFA, --duration 2h',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}`, s: `mfa_serial = ${A}`}),
    flags: ['--no-session'],
    name: 'role sharing MFA, --no-session',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({
      p: `source_profile = r\nrole_arn = ${R2}\nmfa_serial = ${A}`,
      r: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}`,
      s: `mfa_serial = ${A}`,
    }),
    name: 'role on a role, MFA shared by all',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = r\nrole_arn = ${R2}`, r: `source_profile = s\nrole_arn = ${R}`, s: ''}),
    name: 'role on a role without MFA',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({
      p: `source_profile = r\nrole_arn = ${R2}\nmfa_serial = ${B}`,
      r: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}`,
      s: '',
    }),
    name: 'role on a role, each with its own MFA',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}`, s: ''}),
    name: 'own keys and a role: the role from the own keys',
    profile: 'p',
    stored: ['p', 's'],
  },
  {
    config: profiles({base: `mfa_serial = ${A}`, p: `include_profile = base\nsource_profile = s\nrole_arn = ${R}`, s: `mfa_serial = ${A}`}),
    name: 'mfa_serial from include_profile',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({default: `mfa_serial = ${A}`, p: `source_profile = s\nrole_arn = ${R}`, s: ''}),
    name: 'role with mfa_serial from [default]',
    profile: 'p',
    stored: ['s'],
  },
  {config: profiles({p: `source_profile = s\nrole_arn = ${R}`, s: ''}), name: 'source without keys', profile: 'p', stored: []},
  {config: profiles({p: `source_profile = s\nrole_arn = ${R}`}), name: 'source with no section and no keys', profile: 'p', stored: []},
  {config: profiles({p: ''}), name: 'no keys at all', profile: 'p', stored: []},
  {config: profiles({p: `role_arn = ${R}`}), name: 'role without source_profile or keys', profile: 'p', stored: []},
  {config: profiles({p: SSO}), name: 'SSO', profile: 'p', stored: []},
  {config: profiles({p: SSO}), name: 'stored keys beat SSO', profile: 'p', stored: ['p']},
  {config: profiles({p: `source_profile = s\nrole_arn = ${R}`, s: SSO}), name: 'role on SSO', profile: 'p', stored: []},
  {config: profiles({p: 'source_profile = s', s: SSO}), name: 'no role on SSO', profile: 'p', stored: []},
  {
    config: profiles({
      p: 'sso_session = corp\nsso_account_id = 222222222222\nsso_role_name = Dev',
      'sso-session corp': 'sso_start_url = https://compat.awsapps.com/start',
    }),
    name: 'SSO through an sso-session section',
    profile: 'p',
    stored: [],
  },
  {config: profiles({p: `role_arn = ${R}\nweb_identity_token_file = /nonexistent/token`}), name: 'web identity', profile: 'p', stored: []},
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R2}`, s: `role_arn = ${R}\nweb_identity_token_file = /nonexistent/token`}),
    name: 'role on web identity',
    profile: 'p',
    stored: [],
  },
  {config: profiles({p: 'credential_process = false'}), name: 'credential_process', profile: 'p', stored: []},
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}`, s: 'credential_process = false'}),
    name: 'role on credential_process',
    profile: 'p',
    stored: [],
  },
  {config: profiles({p: 'credential_process = false'}), name: 'stored keys beat credential_process', profile: 'p', stored: ['p']},
  {
    config: profiles({p: `${SSO}\nweb_identity_token_file = /t\nrole_arn = ${R}\ncredential_process = false`}),
    name: 'SSO beats web identity and credential_process',
    profile: 'p',
    stored: [],
  },
  {config: profiles({p: 'source_profile = p'}), name: 'source_profile naming itself', profile: 'p', stored: ['p']},
  {config: profiles({p: ''}), env: {AWS_MFA_SERIAL: A}, name: 'AWS_MFA_SERIAL', profile: 'p', stored: ['p']},
  {config: profiles({p: 'source_profile = s', s: ''}), env: {AWS_ROLE_ARN: R}, name: 'AWS_ROLE_ARN', profile: 'p', stored: ['s']},
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}`, s: `source_profile = t\nmfa_serial = ${A}`, t: ''}),
    name: 'source with keys and its own source_profile',
    profile: 'p',
    stored: ['s'],
  },
  {
    config: profiles({p: `source_profile = s\nrole_arn = ${R}\nmfa_serial = ${A}`, s: `source_profile = t\nmfa_serial = ${A}`, t: ''}),
    name: 'MFA shared across a source_profile without role',
    profile: 'p',
    stored: ['t'],
  },
]
