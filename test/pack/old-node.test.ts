// The npm-installed vault runs on whatever `node` the machine has: on one older than 22 it must say so
// in one line, not crash on syntax or a missing built-in. Debian 12's own Node is 20.
import {expect} from 'chai'
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'

import {vaultBin} from '../helpers/cli.ts'

const oldNode = '/usr/bin/node'
const oldMajor = existsSync(oldNode) ? Number(execFileSync(oldNode, ['-p', 'process.versions.node.split(".")[0]'], {encoding: 'utf8'})) : 0

describe('vault on a Node older than 22 (the machine /usr/bin/node)', () => {
  before(function () {
    // The check needs an old Node to run under; CI's Debian has Node 20 there.
    if (oldMajor === 0 || oldMajor >= 22) this.skip()
  })

  for (const args of [['--version'], ['exec', 'work', '--json'], ['add', 'work', '--env']]) {
    it(`vault ${args.join(' ')} says in one line which Node it needs`, () => {
      const result = spawnSync(oldNode, [vaultBin, ...args], {encoding: 'utf8', env: {HOME: '/nonexistent', PATH: '/usr/bin:/bin'}})
      expect(result.status).to.equal(1)
      expect(result.stdout).to.equal('')
      const lines = result.stderr.trimEnd().split('\n')
      expect(lines, result.stderr).to.have.length(1)
      expect(lines[0]).to.match(/^vault needs Node\.js 22 or newer, and \/usr\/bin\/node is v\d+\.\d+\.\d+: install Node\.js >= 22/)
    })
  }
})
