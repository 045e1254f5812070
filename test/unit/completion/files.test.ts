import {expect} from 'chai'
import {mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {completionFiles, completionOutOfDate, completionScripts, type ScriptHost} from '../../../src/lib/completion/files.ts'

describe("completion files: whether they are this vault's", () => {
  let cacheDir: string
  let host: ScriptHost

  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vault-completion-files-'))
    host = {bin: 'vault', binAliases: [], cacheDir, version: '2.0.0'}
  })

  afterEach(() => rmSync(cacheDir, {force: true, recursive: true}))

  function write(scripts: Array<[string, string]>): void {
    for (const [file, text] of scripts) {
      mkdirSync(dirname(file), {recursive: true})
      writeFileSync(file, text)
    }
  }

  it('are not out of date where completion was never set up', () => {
    expect(completionOutOfDate(host)).to.equal(false)
  })

  it("are up to date as this vault writes them, and out of date as another version's", () => {
    write(completionScripts(host))
    expect(completionOutOfDate(host)).to.equal(false)
    write(completionScripts({...host, version: '1.9.0'}))
    expect(completionOutOfDate(host)).to.equal(true)
    write(completionScripts(host))
    writeFileSync(completionFiles(cacheDir, 'vault').zsh, '#compdef vault\n_vault () { }\n')
    expect(completionOutOfDate(host)).to.equal(true)
  })

  it("are out of date as a vault wrote them that had oclif's scripts only, without fish's", () => {
    write(completionScripts(host))
    unlinkSync(completionFiles(cacheDir, 'vault').fish)
    expect(completionOutOfDate(host)).to.equal(true)
  })

  it('are never out of date for a program name no shell function can carry (nothing would bring them up to date)', () => {
    const odd = {...host, bin: 'va$(x)'}
    write([[join(cacheDir, 'autocomplete', 'functions', 'bash', 'va$(x).bash'), 'old']])
    expect(completionOutOfDate(odd)).to.equal(false)
  })
})
