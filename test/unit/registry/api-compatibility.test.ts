import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect} from 'chai'
import semver from 'semver'

import {apiVersion} from '../../../src/lib/plugin-api/index.ts'
import {apiRangeOf, apiWarnings, HOST_PACKAGE} from '../../../src/lib/registry/api-compatibility.ts'
import {PluginRegistry} from '../../../src/lib/registry/index.ts'
import {loadFixtureConfig, removeFixtureHosts} from './fixture-host.ts'

const root = join(import.meta.dirname, '..', '..', '..')
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>

const user = (name: string, apiRange: string | undefined) => ({name, type: 'user', isRoot: false, apiRange})

describe('plugin API version', () => {
  it('is the version of the package that publishes it', () => {
    expect(apiVersion).to.equal(readJson(join(root, 'package.json')).version)
  })

  it('is asked for by every plugin of this repository, with a range the host satisfies, as an optional peer', () => {
    const packages = [
      ...readdirSync(join(root, 'plugins'), {withFileTypes: true})
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(root, 'plugins', entry.name, 'package.json')),
      join(root, 'test', 'fixtures', 'org-plugin', 'package.json'),
    ]
    expect(packages.length).to.be.greaterThan(6)
    for (const file of packages) {
      const pjson = readJson(file)
      const range = apiRangeOf(pjson)
      expect(range, `${file} peerDependencies`).to.be.a('string')
      expect(semver.satisfies(apiVersion, range!), `${file} asks for ${range}`).to.equal(true)
      // Optional: npm would otherwise install a second copy of vault next to each installed plugin.
      expect((pjson.peerDependenciesMeta as Record<string, {optional?: boolean}>)?.[HOST_PACKAGE]?.optional, file).to.equal(true)
    }
  })
})

describe('apiWarnings', () => {
  it('says nothing for plugins whose range the host satisfies, or that ask for no range', async () => {
    expect(await apiWarnings([user('a', '^0.1.0'), user('b', '>=0.1.0 <2'), user('c', undefined), user('d', '*')], '0.1.3')).to.deep.equal(
      [],
    )
  })

  it('names each plugin asking for an API the host does not provide, and what to do', async () => {
    const warnings = await apiWarnings([user('@acme/old', '^0.0.9'), user('@acme/new', '^2.0.0'), user('fine', '^1.2.0')], '1.4.0')
    expect(warnings).to.deep.equal([
      'Plugin @acme/old: it asks for plugin API ^0.0.9 (peerDependencies["@vault-aws/cli"]) and this vault provides 1.4.0; update vault or the plugin',
      'Plugin @acme/new: it asks for plugin API ^2.0.0 (peerDependencies["@vault-aws/cli"]) and this vault provides 1.4.0; update vault or the plugin',
    ])
  })

  it('reports a range that is not a version range', async () => {
    const [warning] = await apiWarnings([user('@acme/typo', 'latest-ish')], '1.0.0')
    expect(warning).to.equal(
      'Plugin @acme/typo: its peerDependencies["@vault-aws/cli"] is "latest-ish", which is not a version range; vault provides plugin API 1.0.0',
    )
  })

  it('leaves bundled plugins and the host itself to the suite: they ship together', async () => {
    const bundled = {name: 'bundled', type: 'core', isRoot: false, apiRange: '^9.0.0'}
    const host = {name: '@vault-aws/cli', type: 'core', isRoot: true, apiRange: '^9.0.0'}
    expect(await apiWarnings([bundled, host], '1.0.0')).to.deep.equal([])
  })
})

describe('PluginRegistry with a plugin written for another plugin API', () => {
  after(removeFixtureHosts)

  it('warns once, naming the plugin, and still registers its descriptors', async () => {
    const registry = new PluginRegistry(await loadFixtureConfig({user: ['vault-fixture-future-api']}))
    const [backends] = await Promise.all([registry.backends(), registry.prompts()])
    expect(backends.map((entry) => entry.descriptor.id)).to.deep.equal(['fixture-future'])
    expect(registry.warnings()).to.deep.equal([
      `Plugin vault-fixture-future-api: it asks for plugin API ^9.0.0 (peerDependencies["@vault-aws/cli"]) and this vault provides ${apiVersion}; update vault or the plugin`,
    ])
  })
})
