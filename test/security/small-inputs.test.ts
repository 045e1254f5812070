// Small bad inputs that used to end in "unexpected error", a path eaten by the redactor, or a
// dead end: each is one line saying what is wrong and what to do, and nothing is written.
import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync} from 'node:fs'

import {World} from './support/world.ts'

describe('small bad inputs (built binary)', function () {
  this.timeout(120_000)
  let world: World

  before(async function () {
    world = new World()
    world.writeConfig('[profile work]\nregion = eu-west-1\n')
    await world.addKey('work')
  })

  after(function () {
    world?.cleanup()
  })

  const oneLine = (stderr: string) => stderr.split('\n').filter((line) => line && !line.startsWith('Try this:'))
  const storedItems = () => (existsSync(world.keysDir) ? readdirSync(world.keysDir).sort() : [])

  it('a NUL byte in a config value: one line naming the file and line, never an unexpected error', async function () {
    world.writeConfig('[profile work]\nregion = eu\0west-1\n')
    try {
      for (const args of [['exec', 'work', '--no-session', '--', 'true'], ['export', 'work', '--no-session'], ['list']]) {
        const result = await world.run(args, {credentialsOnStdout: true})
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(78)
        expect(result.stderr, args.join(' ')).to.match(/^vault: .*config line 2: the value holds a NUL byte/)
        expect(oneLine(result.stderr), args.join(' ')).to.have.length(1)
        expect(result.stderr).not.to.include('unexpected error')
      }
    } finally {
      world.writeConfig('[profile work]\nregion = eu-west-1\n')
    }
  })

  it('vault add with an empty name or a 300-character name: one line saying what is wrong with the name, nothing written', async function () {
    const config = readFileSync(world.configFile, 'utf8')
    const before = storedItems()
    const keys = {AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'}
    const empty = await world.run(['add', '', '--env'], {env: keys})
    expect(empty.code, empty.stderr).to.not.equal(0)
    expect(empty.stderr).to.match(/^vault: "" cannot be a profile name/)
    expect(empty.stderr).not.to.include('unexpected error')

    // Mixed case and digits, so that a redactor looking for random-looking runs would take it for a token.
    const long = `Team${'Prod2Account'.repeat(25)}`
    const result = await world.run(['add', long, '--env'], {env: keys})
    expect(result.code, result.stderr).to.not.equal(0)
    expect(oneLine(result.stderr)).to.have.length(1)
    expect(result.stderr).to.match(/^vault: .*"TeamProd2AccountProd2AccountProd…" \(304 characters\).*too long/)
    expect(result.stderr).not.to.include('[redacted]')
    expect(storedItems()).to.deep.equal(before)
    expect(readFileSync(world.configFile, 'utf8')).to.equal(config)
  })

  it('vault remove without a terminal to confirm on: one line pointing at --force, nothing removed', async function () {
    const before = storedItems()
    const result = await world.run(['remove', 'work'], {input: ''})
    expect(result.code, result.stderr).to.equal(2)
    expect(result.stderr).to.match(
      /^vault: no terminal to confirm removing the credentials of profile "work"\nTry this: .*vault remove work --force/,
    )
    expect(storedItems()).to.deep.equal(before)
    const forced = await world.run(['remove', 'work', '--force'])
    expect(forced.code, forced.stderr).to.equal(0)
    expect(storedItems()).to.not.include('work')
  })
})
