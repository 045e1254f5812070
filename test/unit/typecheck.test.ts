// `npm run typecheck` must reach every TypeScript file in the repository: a file no project
// includes is never checked, and its type errors only show when the code runs. The proof runs
// the real `tsc -b` on a copy of the project configurations in which every TypeScript file is
// replaced by one line holding a type error, so it checks the configurations, not the code, and
// stays cheap.
import {execFileSync, spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {expect} from 'chai'

const root = join(import.meta.dirname, '..', '..')

/** Tracked files and new ones not ignored: a file added but not yet committed counts too. */
function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {cwd: root, encoding: 'utf8'})
  return listed.split('\0').filter((path) => path !== '')
}

describe('npm run typecheck', function () {
  // One tsc -b over a dozen small projects; generous because the machine may be busy.
  this.timeout(120_000)

  let copy: string
  after(() => rmSync(copy, {force: true, recursive: true}))

  it('fails on a type error in any TypeScript file of the repository, naming the file', function () {
    copy = mkdtempSync(join(tmpdir(), 'vault-typecheck-'))
    const files = repositoryFiles()
    const sources = files.filter((path) => /\.[cm]?tsx?$/.test(path) && !path.endsWith('.d.ts'))
    expect(sources.length).to.be.greaterThan(100)
    for (const path of files.filter((path) => /(^|\/)tsconfig[^/]*\.json$/.test(path))) {
      mkdirSync(join(copy, dirname(path)), {recursive: true})
      copyFileSync(join(root, path), join(copy, path))
    }
    for (const path of sources) {
      mkdirSync(join(copy, dirname(path)), {recursive: true})
      writeFileSync(join(copy, path), "export const injected: number = 'not a number'\n")
    }
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'))

    const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {scripts: Record<string, string>}).scripts.typecheck!
    const [command, ...args] = script.split(' ')
    expect(command).to.equal('tsc')
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    const result = spawnSync(process.execPath, [tsc, ...args, '--pretty', 'false'], {cwd: copy, encoding: 'utf8'})

    expect(result.status, result.stderr).to.not.equal(0)
    const reported = new Set([...result.stdout.matchAll(/^(\S+?)\(1,\d+\): error TS2322:/gm)].map((match) => match[1]))
    const unchecked = sources.filter((path) => !reported.has(path))
    expect(unchecked, 'files no project of tsconfig.json checks').to.deep.equal([])
  })
})
