import {expect} from 'chai'

import {type AwsConfigFile, parseConfig} from '../../../src/lib/config/index.ts'
import {VaultError} from '../../../src/lib/errors.ts'

const PATH = '/home/u/.aws/config'

function profileValue(file: AwsConfigFile, profile: string, key: string): string | undefined {
  return file.section(profile)?.get(key)
}

describe('parseConfig: values', () => {
  const rows: Array<{title: string; ini: string; profile?: string; key: string; value: string | undefined}> = [
    {title: 'a plain value', ini: '[profile p]\nregion = eu-west-1', key: 'region', value: 'eu-west-1'},
    {
      title: 'keys are case-insensitive',
      ini: '[profile p]\nRoLe_ARN = arn:aws:iam::1:role/r',
      key: 'role_arn',
      value: 'arn:aws:iam::1:role/r',
    },
    {title: 'a key asked in upper case', ini: '[profile p]\nregion = x', key: 'REGION', value: 'x'},
    {title: 'values keep their case', ini: '[profile p]\nrole_session_name = MixedCase', key: 'role_session_name', value: 'MixedCase'},
    {title: 'no spaces around =', ini: '[profile p]\nregion=eu-west-2', key: 'region', value: 'eu-west-2'},
    {title: '":" is a delimiter too', ini: '[profile p]\nregion: eu-west-3', key: 'region', value: 'eu-west-3'},
    {
      title: 'the first delimiter splits, later ones stay in the value',
      ini: '[profile p]\nrole_arn = arn:aws:iam::1:role/a=b',
      key: 'role_arn',
      value: 'arn:aws:iam::1:role/a=b',
    },
    {title: 'an inline # comment is dropped', ini: '[profile p]\nregion = eu-west-1 # Ireland', key: 'region', value: 'eu-west-1'},
    {title: 'an inline ; comment is dropped', ini: '[profile p]\nregion = eu-west-1;Ireland', key: 'region', value: 'eu-west-1'},
    {
      title: 'surrounding double quotes are removed',
      ini: '[profile p]\ncredential_process = "/bin/creds --x"',
      key: 'credential_process',
      value: '/bin/creds --x',
    },
    {title: 'surrounding single quotes are removed', ini: "[profile p]\nregion = 'eu-west-1'", key: 'region', value: 'eu-west-1'},
    {
      title: 'quotes inside a value stay',
      ini: '[profile p]\ncredential_process = /bin/creds "a b"',
      key: 'credential_process',
      value: '/bin/creds "a b"',
    },
    {
      title: 'a triple-quoted value keeps # and ;',
      ini: '[profile p]\nmfa_process = """otp #1; x"""',
      key: 'mfa_process',
      value: 'otp #1; x',
    },
    {title: 'a backquoted value keeps # and ;', ini: '[profile p]\nmfa_process = `a;b#c`', key: 'mfa_process', value: 'a;b#c'},
    {
      title: 'a triple-quoted value may span lines',
      ini: '[profile p]\nmfa_process = """one\ntwo"""\nregion = r',
      key: 'mfa_process',
      value: 'one\ntwo',
    },
    {
      title: 'the line after a multi-line value is read',
      ini: '[profile p]\nmfa_process = """one\ntwo"""\nregion = r',
      key: 'region',
      value: 'r',
    },
    {
      title: 'a trailing backslash continues the value',
      ini: '[profile p]\ncredential_process = /bin/creds \\\n  --profile x\nregion = r',
      key: 'credential_process',
      value: '/bin/creds --profile x',
    },
    {
      title: 'a value continues over many lines, each trimmed, until a line without a backslash',
      ini: '[profile p]\ncredential_process = a\\\n  b\\\n\\\n  c  \\\n d\n e = f',
      key: 'credential_process',
      value: 'abc  d',
    },
    {
      title: 'an empty line ends a continuation',
      ini: '[profile p]\ncredential_process = a\\\n\nregion = r',
      key: 'credential_process',
      value: 'a',
    },
    {
      title: 'the line after a continuation is read',
      ini: '[profile p]\ncredential_process = a \\\n  b\nregion = r',
      key: 'region',
      value: 'r',
    },
    {title: 'an empty value reads as absent', ini: '[profile p]\nregion =', key: 'region', value: undefined},
    {title: 'a later duplicate key wins', ini: '[profile p]\nregion = a\nregion = b', key: 'region', value: 'b'},
    {
      title: 'a repeated header merges into the first',
      ini: '[profile p]\nregion = a\n[profile q]\n[profile p]\nmfa_serial = m',
      key: 'region',
      value: 'a',
    },
    {
      title: 'keys of a repeated header are added',
      ini: '[profile p]\nregion = a\n[profile q]\n[profile p]\nmfa_serial = m',
      key: 'mfa_serial',
      value: 'm',
    },
    {title: 'CRLF line endings', ini: '[profile p]\r\nregion = eu-west-1\r\n', key: 'region', value: 'eu-west-1'},
    {title: 'a UTF-8 byte order mark', ini: '\uFEFF[profile p]\nregion = r', key: 'region', value: 'r'},
    {title: 'indented keys are keys', ini: '[profile p]\n   region = r', key: 'region', value: 'r'},
    {title: 'full-line # comments', ini: '[profile p]\n# region = a\nregion = b', key: 'region', value: 'b'},
    {title: 'full-line ; comments', ini: '[profile p]\n; region = a', key: 'region', value: undefined},
    {title: 'indented comments', ini: '[profile p]\n    # region = a', key: 'region', value: undefined},
    {title: 'a comment after a header', ini: '[profile p] # work\nregion = r', key: 'region', value: 'r'},
    {
      title: 'an s3 sub-section does not leak its keys',
      ini: '[profile p]\ns3 =\n  max_concurrent_requests = 20\n  region = not-this\nregion = r',
      key: 'region',
      value: 'r',
    },
    {
      title: 'an s3 sub-section key is not a profile key',
      ini: '[profile p]\ns3 =\n  max_concurrent_requests = 20',
      key: 'max_concurrent_requests',
      value: undefined,
    },
    {
      title: 'blank lines inside a sub-section',
      ini: '[profile p]\ns3 =\n  a = 1\n\n  region = not-this\nmfa_serial = m',
      key: 'region',
      value: undefined,
    },
    {title: 'the key after a sub-section', ini: '[profile p]\ns3 =\n  a = 1\n\n  b = 2\nmfa_serial = m', key: 'mfa_serial', value: 'm'},
    {
      title: 'a sub-section ends at the next header',
      ini: '[profile q]\ns3 =\n  a = 1\n[profile p]\n  region = r',
      key: 'region',
      value: 'r',
    },
    {title: 'keys above the first header belong to no profile', ini: 'region = a\n[profile p]', key: 'region', value: undefined},
    {title: 'the default profile', ini: '[default]\nregion = d', profile: 'default', key: 'region', value: 'd'},
  ]
  for (const row of rows) {
    it(row.title, () => {
      expect(profileValue(parseConfig(row.ini, PATH), row.profile ?? 'p', row.key)).to.equal(row.value)
    })
  }

  it('records the line of each value', () => {
    const file = parseConfig('# top\n[profile p]\n\nregion = r\nmfa_serial = m\n', PATH)
    expect(file.section('p')?.line).to.equal(2)
    expect(file.section('p')?.lineOf('region')).to.equal(4)
    expect(file.section('p')?.lineOf('MFA_SERIAL')).to.equal(5)
  })

  it('a key named like an Object prototype member is plain data', () => {
    const section = parseConfig('[profile p]\n__proto__ = x\nconstructor = y', PATH).section('p')
    expect(section?.toRecord()).to.deep.equal(
      Object.fromEntries([
        ['__proto__', 'x'],
        ['constructor', 'y'],
      ]),
    )
    expect(Object.getPrototypeOf(section?.toRecord())).to.equal(Object.prototype)
  })
})

describe('parseConfig: sections and listing', () => {
  const rows: Array<{title: string; ini: string; names: string[]; has?: Record<string, boolean>}> = [
    {title: 'an empty file', ini: '', names: []},
    {title: 'profiles in file order', ini: '[profile b]\nregion=1\n[default]\nregion=2\n[profile a]\n', names: ['b', 'default', 'a']},
    {
      title: 'names are case-sensitive',
      ini: '[profile Work]\n[profile work]\n',
      names: ['Work', 'work'],
      has: {WORK: false, Work: true, work: true},
    },
    {title: 'a bare [name] is not a profile', ini: '[work]\nregion = r\n', names: [], has: {work: false}},
    {title: '[Profile x] (capital P) is not a profile', ini: '[Profile x]\nregion = r\n', names: [], has: {x: false}},
    {title: 'sso-session sections are not profiles', ini: '[sso-session s]\nsso_region = r\n[profile p]\n', names: ['p'], has: {s: false}},
    {
      title: 'a [default] with no profile key is not listed',
      ini: '[default]\noutput = json\n[profile p]\n',
      names: ['p'],
      has: {default: true},
    },
    {title: 'a [default] with only duration_seconds = 0 is not listed', ini: '[default]\nduration_seconds = 0\n', names: []},
    {title: 'a [default] with a profile key is listed', ini: '[default]\nmfa_serial = m\n', names: ['default']},
    {title: 'a repeated header is listed once', ini: '[profile a]\n[profile b]\n[profile a]\n', names: ['a', 'b']},
    {
      title: 'names with dots and slashes',
      ini: '[profile org.dev/admin]\n',
      names: ['org.dev/admin'],
      has: {'org.dev/admin': true, org: false},
    },
    {title: '[profile default] is not the default profile', ini: '[profile default]\nregion = r\n', names: [], has: {default: false}},
  ]
  for (const row of rows) {
    it(row.title, () => {
      const file = parseConfig(row.ini, PATH)
      expect(file.profileNames()).to.deep.equal(row.names)
      for (const [name, has] of Object.entries(row.has ?? {})) expect(file.hasProfile(name), name).to.equal(has)
    })
  }

  it('finds sso-session sections by name', () => {
    const file = parseConfig('[sso-session corp]\nsso_start_url = https://corp/start\n', PATH)
    expect(file.ssoSession('corp')?.get('sso_start_url')).to.equal('https://corp/start')
    expect(file.ssoSessionNames()).to.deep.equal(['corp'])
    expect(file.ssoSession('other')).to.equal(undefined)
  })
})

describe('parseConfig: malformed files', () => {
  const rows: Array<{title: string; ini: string; line: number; says: RegExp}> = [
    {title: 'a line with no "="', ini: '[profile p]\nregion = r\nAKIAEXAMPLESECRETLINE\n', line: 3, says: /neither a \[section\] header/},
    {title: 'a header without "]"', ini: '# c\n[profile p\nregion = r', line: 2, says: /no closing "\]"/},
    {title: 'an empty header', ini: '[]\n', line: 1, says: /has no name/},
    {title: 'a setting with no name', ini: '[profile p]\n = value\n', line: 2, says: /no name before/},
    {title: 'a triple quote never closed', ini: '[profile p]\n\nmfa_process = """abc\nmore\n', line: 3, says: /never closed/},
    {title: 'a line indented under a key that has a value', ini: '[profile p]\nregion = r\n  not a setting\n', line: 3, says: /neither/},
    {title: 'CRLF files count lines the same', ini: '[profile p]\r\nregion = r\r\nbroken\r\n', line: 3, says: /neither/},
  ]
  for (const row of rows) {
    it(`${row.title} → CONFIG_INVALID naming the file and line ${row.line}`, () => {
      let caught: unknown
      try {
        parseConfig(row.ini, PATH)
      } catch (error) {
        caught = error
      }
      expect(caught instanceof VaultError, String(caught)).to.equal(true)
      if (!(caught instanceof VaultError)) return
      expect(caught.code).to.equal('CONFIG_INVALID')
      expect(caught.message).to.contain(`${PATH} line ${row.line}:`)
      expect(caught.message).to.match(row.says)
      expect(caught.suggestions.join(' ')).to.contain(`line ${row.line} of ${PATH}`)
    })
  }

  it('never quotes the offending line back (it may be a pasted secret)', () => {
    try {
      parseConfig('[profile p]\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n', PATH)
      expect.fail('should throw')
    } catch (error) {
      expect(String((error as Error).message)).not.to.contain('wJalr')
    }
  })
})
