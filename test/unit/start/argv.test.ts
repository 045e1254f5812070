import {expect} from 'chai'

import {listRequest, normalizeArgv, startPathRequest} from '../../../src/lib/start/argv.ts'

describe('normalizeArgv: aws-vault global flags before the command', () => {
  const cases: [string[], string[]][] = [
    [
      ['--debug', '--backend=file', 'exec', 'work', '--', 'true'],
      ['exec', '--debug', '--backend=file', 'work', '--', 'true'],
    ],
    [
      ['--backend', 'pass', 'list'],
      ['list', '--backend=pass'],
    ],
    [
      ['--no-debug', '--prompt', 'terminal', '--file-dir', '/k', 'add', 'p'],
      ['add', '--no-debug', '--prompt=terminal', '--file-dir=/k', 'p'],
    ],
    [
      ['--pass-dir', '/s', '--pass-cmd=gopass', '--pass-prefix', 'aws', 'list'],
      ['list', '--pass-dir=/s', '--pass-cmd=gopass', '--pass-prefix=aws'],
    ],
    [
      ['--keychain', 'k', '--secret-service-collection', 'c', 'list'],
      ['list', '--keychain=k', '--secret-service-collection=c'],
    ],
    // A value that looks like a flag is still the value, as kingpin reads it.
    [
      ['--pass-prefix', '-x', 'list'],
      ['list', '--pass-prefix=-x'],
    ],
    // An unknown flag moves as one token: the command's parser names it.
    [
      ['--bogus', 'list'],
      ['list', '--bogus'],
    ],
  ]
  for (const [input, expected] of cases) {
    it(`${input.join(' ')} → ${expected.join(' ')}`, () => {
      expect(normalizeArgv(input)).to.deep.equal(expected)
    })
  }

  it("answers kingpin's --help-long and --help-man with the hidden commands of those names", () => {
    expect(normalizeArgv(['--help-long'])).to.deep.equal(['help-long'])
    expect(normalizeArgv(['--help-man'])).to.deep.equal(['help-man'])
  })

  it('leaves argv that starts with the command, or holds no command, as it is', () => {
    for (const argv of [
      ['exec', 'work', '--backend', 'file', '--', 'x'],
      ['--backend', 'file'],
      ['--help', 'exec'],
      ['-h'],
      ['--version'],
      ['--debug', '--', 'list'],
      [],
    ]) {
      expect(normalizeArgv(argv)).to.deep.equal(argv)
    }
  })
})

describe('startPathRequest: the credential_process forms the start path answers', () => {
  it('takes exec <profile> --json, with global settings as normalizeArgv writes them', () => {
    expect(startPathRequest(['exec', 'p', '--json'])).to.deep.equal({command: 'exec', flags: {}, noSession: false, profile: 'p'})
    expect(startPathRequest(['exec', 'p', '-j'])).to.deep.equal({command: 'exec', flags: {}, noSession: false, profile: 'p'})
    expect(startPathRequest(normalizeArgv(['--backend', 'file', '--file-dir=/k', 'exec', 'p', '--json']))).to.deep.equal({
      command: 'exec',
      flags: {backend: 'file', 'file-dir': '/k'},
      noSession: false,
      profile: 'p',
    })
  })

  it('takes --no-session and export --format json, the flags after the profile in any order', () => {
    for (const argv of [
      ['exec', 'p', '--no-session', '--json'],
      ['exec', 'p', '-j', '-n'],
    ]) {
      expect(startPathRequest(argv), argv.join(' ')).to.deep.equal({command: 'exec', flags: {}, noSession: true, profile: 'p'})
    }
    for (const argv of [
      ['export', 'p', '--format', 'json'],
      ['export', 'p', '--format=json'],
    ]) {
      expect(startPathRequest(argv), argv.join(' ')).to.deep.equal({command: 'export', flags: {}, noSession: false, profile: 'p'})
    }
    expect(startPathRequest(['export', '--backend=file', 'p', '--format', 'json', '--no-session'])).to.deep.equal({
      command: 'export',
      flags: {backend: 'file'},
      noSession: true,
      profile: 'p',
    })
  })

  it('leaves everything else to the full command', () => {
    for (const argv of [
      ['exec', '--debug', 'p', '--json'],
      ['exec', '--json', 'p'],
      ['exec', '--no-session', 'p', '--json'],
      ['exec', 'p', '--', 'x', '--json'],
      ['exec', '--', '--json'],
      ['exec', '--backend=', 'p', '--json'],
      ['exec', '--backend=a', '--backend=b', 'p', '--json'],
      ['exec', '--region=eu-west-1', 'p', '--json'],
      ['exec', 'p', 'q', '--json'],
      ['exec', 'p', '--json', '--json'],
      ['exec', 'p', '-n', '--no-session', '--json'],
      ['exec', 'p', '--no-session'],
      ['exec', 'p', '-nj'],
      ['exec', '--json'],
      ['exec', 'p', '--format', 'json'],
      ['export', 'p', '--json'],
      ['export', 'p', '-j'],
      ['export', 'p'],
      ['export', 'p', '--format', 'env'],
      ['export', 'p', '--format=ini'],
      ['export', '--format', 'json'],
      ['export', 'p', '--format'],
      ['export', 'p', '--format', 'json', '--format', 'json'],
      ['list', 'p', '--json'],
    ]) {
      expect(startPathRequest(argv), argv.join(' ')).to.equal(undefined)
    }
  })
})

describe('listRequest: the list forms the start path answers', () => {
  it('takes list and ls with their modes, --json and global settings as normalizeArgv writes them', () => {
    expect(listRequest(['list'])).to.deep.equal({flags: {}, json: false, modes: []})
    expect(listRequest(['ls', '--json'])).to.deep.equal({flags: {}, json: true, modes: []})
    expect(listRequest(['list', '--sessions', '--json', '--profiles'])).to.deep.equal({
      flags: {},
      json: true,
      modes: ['sessions', 'profiles'],
    })
    expect(listRequest(normalizeArgv(['--backend', 'file', '--file-dir=/k', 'list', '--credentials']))).to.deep.equal({
      flags: {backend: 'file', 'file-dir': '/k'},
      json: false,
      modes: ['credentials'],
    })
  })

  it('leaves everything else to the full command', () => {
    for (const argv of [
      ['list', '--debug'],
      ['list', '--help'],
      ['list', '-h'],
      ['list', '--no-profiles'],
      ['list', '--profiles', '--profiles'],
      ['list', '--json', '--json'],
      ['list', '--backend=a', '--backend=b'],
      ['list', '--backend='],
      ['list', '--backend', 'file'],
      ['list', 'extra'],
      ['list', '--', '--json'],
      ['list', '--profiles=true'],
      ['exec', 'p', '--json'],
      ['lists'],
    ]) {
      expect(listRequest(argv), argv.join(' ')).to.equal(undefined)
    }
  })
})
