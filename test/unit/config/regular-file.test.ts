import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {isNotRegularFile, isTooLarge, readRegularFile} from '../../../src/lib/config/regular-file.ts'

describe('reading a file that must be a regular file', function () {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-regular-'))
  })
  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('with maxBytes: takes a file of exactly that size and refuses one byte more', async function () {
    const exact = join(dir, 'exact')
    writeFileSync(exact, 'é'.repeat(8))
    expect((await readRegularFile(exact, {maxBytes: 16})).text).to.equal('é'.repeat(8))
    writeFileSync(exact, `${'é'.repeat(8)}x`)
    const error = await readRegularFile(exact, {maxBytes: 16}).catch((caught: unknown) => caught)
    expect(isTooLarge(error)).to.equal(true)
    expect((error as {maxBytes: number}).maxBytes).to.equal(16)
  })

  it('refuses a device that never ends before reading from it', async function () {
    const error = await readRegularFile('/dev/zero', {maxBytes: 16}).catch((caught: unknown) => caught)
    expect(isNotRegularFile(error)).to.equal(true)
    expect((error as {kind: string}).kind).to.equal('a character device')
  })
})
