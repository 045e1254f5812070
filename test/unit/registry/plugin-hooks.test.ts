import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect} from 'chai'
import semver from 'semver'

import {MIRRORED_OCLIF_MINOR} from '../../../src/lib/registry/plugin-hooks.ts'

const root = join(import.meta.dirname, '..', '..', '..')
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as {version: string; dependencies: Record<string, string>}

describe('the start path mirrors one oclif release', () => {
  it('is pinned to the oclif minor release it mirrors, and that release is the one installed', () => {
    const range = readJson(join(root, 'package.json')).dependencies['@oclif/core']!
    expect(range, 'package.json pins @oclif/core to a minor range').to.match(/^~\d+\.\d+\.\d+$/)
    expect(semver.minVersion(range)!.version, 'the pinned range').to.match(new RegExp(`^${MIRRORED_OCLIF_MINOR.replace('.', '\\.')}\\.`))
    const installed = readJson(join(root, 'node_modules', '@oclif', 'core', 'package.json')).version
    expect(`${semver.major(installed)}.${semver.minor(installed)}`, `installed @oclif/core ${installed}`).to.equal(MIRRORED_OCLIF_MINOR)
  })
})
