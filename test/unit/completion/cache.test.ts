import {expect} from 'chai'
import {mkdtempSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {writeModel} from '../../../src/lib/completion/build-model.ts'
import {readFreshModel, stamp} from '../../../src/lib/completion/cache.ts'
import {model} from './fixture.ts'

describe('completion model kept between Tabs', () => {
  let dir: string
  let source: string
  let file: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-completion-cache-'))
    source = join(dir, 'package.json')
    file = join(dir, 'cache', 'completion-model.json')
    writeFileSync(source, '{"version": "1.0.0"}\n')
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('is read back while the files it was built from are unchanged', async () => {
    await writeModel(file, [stamp(source), stamp(join(dir, 'absent.json'))], model)
    expect(readFreshModel(file)).to.deep.equal(model)
    expect(statSync(file).mode & 0o777).to.equal(0o600)
  })

  it('is out of date once one of them changes, appears or goes', async () => {
    const absent = join(dir, 'absent.json')
    await writeModel(file, [stamp(source), stamp(absent)], model)
    writeFileSync(source, '{"version": "1.0.1"}\n')
    expect(readFreshModel(file)).to.equal(undefined)

    await writeModel(file, [stamp(source), stamp(absent)], model)
    const later = new Date(Date.now() + 5000)
    utimesSync(source, later, later)
    expect(readFreshModel(file)).to.equal(undefined)

    await writeModel(file, [stamp(source), stamp(absent)], model)
    writeFileSync(absent, '{}')
    expect(readFreshModel(file)).to.equal(undefined)

    await writeModel(file, [stamp(source), stamp(absent)], model)
    rmSync(source)
    expect(readFreshModel(file)).to.equal(undefined)
  })

  it('is no model when missing, damaged or of another format', async () => {
    expect(readFreshModel(file)).to.equal(undefined)
    await writeModel(file, [], model)
    writeFileSync(file, '{"format": 1, "stamps": [], "model"')
    expect(readFreshModel(file)).to.equal(undefined)
    writeFileSync(file, JSON.stringify({format: 999, model, stamps: []}))
    expect(readFreshModel(file)).to.equal(undefined)
    writeFileSync(file, 'null')
    expect(readFreshModel(file)).to.equal(undefined)
  })
})
