import {expect} from 'chai'
import {mkdir, mkdtemp, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {configPath, loadConfigFile} from '../../../src/lib/config/index.ts'
import {VaultError} from '../../../src/lib/errors.ts'

describe('configPath', () => {
  const rows: Array<{title: string; env: Record<string, string | undefined>; path: string}> = [
    {title: '~/.aws/config by default', env: {}, path: '/home/u/.aws/config'},
    {title: 'an empty AWS_CONFIG_FILE is unset', env: {AWS_CONFIG_FILE: ''}, path: '/home/u/.aws/config'},
    {title: 'AWS_CONFIG_FILE when set', env: {AWS_CONFIG_FILE: '/etc/aws/config'}, path: '/etc/aws/config'},
    {title: 'a leading ~/ is the home directory', env: {AWS_CONFIG_FILE: '~/cfg/aws'}, path: '/home/u/cfg/aws'},
    {title: 'a ~ inside the path stays', env: {AWS_CONFIG_FILE: '/tmp/~x'}, path: '/tmp/~x'},
  ]
  for (const row of rows) {
    it(row.title, () => {
      expect(configPath(row.env, '/home/u')).to.equal(row.path)
    })
  }
})

describe('loadConfigFile', () => {
  let home: string

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'vault-home-'))
  })

  afterEach(async () => {
    await rm(home, {force: true, recursive: true})
  })

  it('reads ~/.aws/config', async () => {
    await mkdir(join(home, '.aws'))
    await writeFile(join(home, '.aws', 'config'), '[profile a]\n[profile b]\n')
    const file = await loadConfigFile({}, home)
    expect(file.path).to.equal(join(home, '.aws', 'config'))
    expect(file.exists).to.equal(true)
    expect(file.profileNames()).to.deep.equal(['a', 'b'])
  })

  it('reads AWS_CONFIG_FILE instead', async () => {
    const path = join(home, 'other')
    await writeFile(path, '[profile other]\n')
    const file = await loadConfigFile({AWS_CONFIG_FILE: path}, home)
    expect(file.profileNames()).to.deep.equal(['other'])
  })

  it('a missing file is an empty config, and is not created', async () => {
    const file = await loadConfigFile({}, home)
    expect(file.exists).to.equal(false)
    expect(file.profileNames()).to.deep.equal([])
    expect(file.hasProfile('default')).to.equal(false)
    let created = true
    await stat(join(home, '.aws')).catch(() => {
      created = false
    })
    expect(created).to.equal(false)
  })

  it('a malformed file is CONFIG_INVALID naming the path and line', async () => {
    const path = join(home, 'config')
    await writeFile(path, '[profile a]\nregion = r\noops\n')
    try {
      await loadConfigFile({AWS_CONFIG_FILE: path}, home)
      expect.fail('should throw')
    } catch (error) {
      expect(error instanceof VaultError && error.code).to.equal('CONFIG_INVALID')
      expect((error as Error).message).to.contain(`${path} line 3`)
    }
  })

  it('a path that is not a regular file (a directory) is CONFIG_INVALID', async () => {
    try {
      await loadConfigFile({AWS_CONFIG_FILE: home}, home)
      expect.fail('should throw')
    } catch (error) {
      expect(error instanceof VaultError && error.code).to.equal('CONFIG_INVALID')
      expect((error as Error).message)
        .to.contain(home)
        .and.to.contain('not a regular file (it is a directory)')
    }
  })
})
