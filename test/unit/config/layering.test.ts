import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

const CONFIG_DIR = join(import.meta.dirname, '..', '..', '..', 'src', 'lib', 'config')
const LIB_DIR = dirname(CONFIG_DIR)
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*)'([^']+)'/g

describe('lib/config stands on its own', function () {
  it('imports neither oclif nor the output modules', function () {
    const reached: string[] = []
    for (const file of readdirSync(CONFIG_DIR).filter((name) => name.endsWith('.ts'))) {
      for (const [, specifier = ''] of readFileSync(join(CONFIG_DIR, file), 'utf8').matchAll(SPECIFIER)) {
        const target = specifier.startsWith('.') ? relative(LIB_DIR, resolve(CONFIG_DIR, specifier)) : specifier
        if (target.startsWith('@oclif/') || target.startsWith('output/') || target.startsWith('..')) reached.push(`${file}: ${specifier}`)
      }
    }
    expect(reached).to.deep.equal([])
  })
})
