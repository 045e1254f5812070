// SECURITY.md names, for each claim, the test that shows it: those tests must exist.
import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {repoRoot} from '../helpers/cli.ts'

const document = readFileSync(join(repoRoot, 'SECURITY.md'), 'utf8')
const reference = /`(test\/security\/[\w-]+\.test\.ts)` — "([^"]+)"/g

describe('SECURITY.md', function () {
  it('has a way to report a problem privately, and says what is not protected', function () {
    expect(document).to.match(/^## Reporting a problem$/m)
    expect(document).to.include('Report a vulnerability')
    expect(document).to.match(/^## What is not protected$/m)
    expect(document).to.include('EC2 metadata server')
  })

  it('names, for every claim, a test that exists', function () {
    const rows = document.split('\n').filter((line) => line.startsWith('| ') && line.includes('`test/security/'))
    const references = [...document.matchAll(reference)]
    expect(references.length).to.equal(rows.length)
    expect(references.length).to.be.greaterThan(3)
    for (const [, file, title] of references) {
      const path = join(repoRoot, file!)
      expect(existsSync(path), file).to.equal(true)
      const source = readFileSync(path, 'utf8')
      expect(source.includes(`'${title}'`) || source.includes(`\`${title}\``), `${file} has a test named "${title}"`).to.equal(true)
    }
  })
})
