import {expect} from 'chai'
import {chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile, lstat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {addProfile, parseConfig} from '../../../src/lib/config/index.ts'
import {VaultError} from '../../../src/lib/errors.ts'

const USER_FILE = `# my AWS config — hand-written, keep the layout
[default]
region = eu-west-1   ; Ireland

# work account
[profile work]
mfa_serial = arn:aws:iam::1:mfa/me
s3 =
  max_concurrent_requests = 20

`

describe('addProfile', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vault-config-'))
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  const appendRows: Array<{title: string; before: string; name: string; keys?: Record<string, string>; after: string}> = [
    {title: 'appends an empty [profile NAME], as aws-vault does', before: USER_FILE, name: 'new', after: `${USER_FILE}[profile new]\n`},
    {
      title: 'adds a blank line before the section when the file has none',
      before: '[profile a]\nregion = r\n',
      name: 'b',
      after: '[profile a]\nregion = r\n\n[profile b]\n',
    },
    {
      title: 'ends an unterminated last line first',
      before: '[profile a]\nregion = r',
      name: 'b',
      after: '[profile a]\nregion = r\n\n[profile b]\n',
    },
    {
      title: 'keeps CRLF line endings',
      before: '[profile a]\r\nregion = r\r\n',
      name: 'b',
      after: '[profile a]\r\nregion = r\r\n\r\n[profile b]\r\n',
    },
    {
      title: 'writes the given keys',
      before: '',
      name: 'b',
      keys: {region: 'us-east-2', mfa_serial: 'arn:aws:iam::1:mfa/me'},
      after: '[profile b]\nregion = us-east-2\nmfa_serial = arn:aws:iam::1:mfa/me\n',
    },
    {title: 'writes default as [default]', before: '[profile a]\n', name: 'default', after: '[profile a]\n\n[default]\n'},
    {
      title: 'adds a profile whose name differs only in case',
      before: '[profile Work]\n',
      name: 'work',
      after: '[profile Work]\n\n[profile work]\n',
    },
    {title: 'treats a whitespace-only file as empty', before: '\n\n', name: 'a', after: '\n\n[profile a]\n'},
    {title: 'a bare [name] does not count as the profile', before: '[a]\n', name: 'a', after: '[a]\n\n[profile a]\n'},
  ]
  for (const row of appendRows) {
    it(`${row.title}: byte-for-byte`, async () => {
      const path = join(dir, 'config')
      await writeFile(path, row.before)
      expect(await addProfile(path, row.name, row.keys)).to.equal(true)
      const after = await readFile(path, 'utf8')
      expect(after).to.equal(row.after)
      expect(parseConfig(after, path).hasProfile(row.name)).to.equal(true)
    })
  }

  const noopRows: Array<{title: string; before: string; name: string}> = [
    {title: 'a [profile NAME] exists', before: USER_FILE, name: 'work'},
    {title: 'a [default] exists', before: USER_FILE, name: 'default'},
    {title: 'a [default] with no profile keys exists', before: '[default]\noutput = json\n', name: 'default'},
  ]
  for (const row of noopRows) {
    it(`does nothing when ${row.title}`, async () => {
      const path = join(dir, 'config')
      await writeFile(path, row.before)
      await chmod(path, 0o640)
      const before = await stat(path)
      expect(await addProfile(path, row.name, {region: 'x'})).to.equal(false)
      expect(await readFile(path, 'utf8')).to.equal(row.before)
      const after = await stat(path)
      expect(after.ino).to.equal(before.ino)
      expect(after.mtimeMs).to.equal(before.mtimeMs)
    })
  }

  for (const mode of [0o600, 0o640, 0o644]) {
    it(`keeps the file mode ${mode.toString(8)}`, async () => {
      const path = join(dir, 'config')
      await writeFile(path, '[profile a]\n')
      await chmod(path, mode)
      await addProfile(path, 'b')
      expect((await stat(path)).mode & 0o7777).to.equal(mode)
    })
  }

  it('creates a missing directory 0700 and the file 0600', async () => {
    const path = join(dir, 'home', '.aws', 'config')
    expect(await addProfile(path, 'first')).to.equal(true)
    expect(await readFile(path, 'utf8')).to.equal('[profile first]\n')
    expect((await stat(path)).mode & 0o777).to.equal(0o600)
    expect((await stat(join(dir, 'home', '.aws'))).mode & 0o777).to.equal(0o700)
  })

  it('creates the file 0600 in an existing directory and leaves the directory alone', async () => {
    await mkdir(join(dir, '.aws'), {mode: 0o755})
    await chmod(join(dir, '.aws'), 0o755)
    const path = join(dir, '.aws', 'config')
    await addProfile(path, 'first')
    expect((await stat(path)).mode & 0o777).to.equal(0o600)
    expect((await stat(join(dir, '.aws'))).mode & 0o777).to.equal(0o755)
  })

  it('replaces the file atomically and leaves no temporary file', async () => {
    const path = join(dir, 'config')
    await writeFile(path, '[profile a]\n')
    const before = await stat(path)
    await addProfile(path, 'b')
    expect((await stat(path)).ino).not.to.equal(before.ino)
    expect(await readdir(dir)).to.deep.equal(['config'])
  })

  it('writes through a symlink instead of replacing it', async () => {
    const real = join(dir, 'dotfiles-config')
    const link = join(dir, 'config')
    await writeFile(real, '[profile a]\n')
    await symlink(real, link)
    await addProfile(link, 'b')
    expect((await lstat(link)).isSymbolicLink()).to.equal(true)
    expect(await readFile(real, 'utf8')).to.equal('[profile a]\n\n[profile b]\n')
  })

  it('refuses to touch a malformed file, naming the line', async () => {
    const path = join(dir, 'config')
    await writeFile(path, '[profile a]\nnot a setting\n')
    try {
      await addProfile(path, 'b')
      expect.fail('should throw')
    } catch (error) {
      expect(error instanceof VaultError && error.code).to.equal('CONFIG_INVALID')
      expect((error as Error).message).to.contain(`${path} line 2`)
    }
    expect(await readFile(path, 'utf8')).to.equal('[profile a]\nnot a setting\n')
  })

  const refusals: Array<{title: string; name: string; keys?: Record<string, string>}> = [
    {title: 'an empty name', name: ''},
    {title: 'a name with "]"', name: 'a]b'},
    {title: 'a name with a line break', name: 'a\n[profile evil]'},
    {title: 'a name with surrounding spaces', name: ' a'},
    {title: 'a key with spaces', name: 'a', keys: {'bad key': 'x'}},
    {title: 'a value with a line break', name: 'a', keys: {region: 'x\nrole_arn = y'}},
    {title: 'a value with #', name: 'a', keys: {region: 'x#y'}},
    {title: 'a value with ;', name: 'a', keys: {credential_process: 'a; b'}},
    {title: 'a quoted value', name: 'a', keys: {region: '"x"'}},
    {title: 'an empty value', name: 'a', keys: {region: ''}},
    {title: 'a value ending with a backslash', name: 'a', keys: {web_identity_token_file: 'C:\\tokens\\'}},
  ]
  for (const row of refusals) {
    it(`refuses ${row.title} and leaves the file alone`, async () => {
      const path = join(dir, 'config')
      await writeFile(path, '[profile z]\n')
      try {
        await addProfile(path, row.name, row.keys)
        expect.fail('should throw')
      } catch (error) {
        expect(error instanceof VaultError && error.code).to.equal('USAGE')
      }
      expect(await readFile(path, 'utf8')).to.equal('[profile z]\n')
    })
  }
})
