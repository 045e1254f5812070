// The profile-name layer on its own: which commands get it, and how the generated scripts are extended.
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  addProfileCompletion,
  bashProfileCompletion,
  type CommandShape,
  MARKER,
  profileCommands,
  withZshProfileCompletion,
} from '../../src/lib/completion/index.ts'

const profileArg = {profile: {name: 'profile'}}

const commands: CommandShape[] = [
  {
    aliases: ['run'],
    args: profileArg,
    flags: {
      backend: {type: 'option'},
      duration: {char: 'd', type: 'option'},
      'no-session': {char: 'n', type: 'boolean'},
    },
    id: 'exec',
  },
  {args: {}, flags: {}, id: 'list'},
  {args: {shell: {}}, id: 'autocomplete'},
  {args: profileArg, hidden: true, id: 'secret-thing'},
  {args: {name: {}, profile: {}}, id: 'rename'},
  {args: profileArg, flags: {role: {type: 'option'}}, id: 'acme:whoami'},
  {args: profileArg, id: 'bad;id'},
]

describe('profile-name completion layer', () => {
  it('covers every visible command and alias whose first argument is the profile, longest first', () => {
    expect(profileCommands(commands)).to.deep.equal([
      {valueFlags: ['--role'], words: ['acme', 'whoami']},
      {valueFlags: ['--backend', '--duration', '-d'], words: ['exec']},
      {valueFlags: ['--backend', '--duration', '-d'], words: ['run']},
    ])
  })

  it('writes bash and zsh code the shells accept', () => {
    const table = profileCommands(commands)
    const bash = `_vault_autocomplete() { :; }\n${bashProfileCompletion('vault', ['vlt'], table)}`
    execFileSync('bash', ['-n'], {input: bash})
    expect(bash).to.include('complete -F _vault_complete_with_profiles vlt')
    const zsh = withZshProfileCompletion('#compdef vault\n_vault() {\n  :\n}\n\n_vault\n', 'vault', table)
    expect(zsh).to.be.a('string')
    execFileSync('zsh', ['-n'], {input: zsh})
    expect(zsh!.trimEnd().endsWith('_vault "$@"')).to.equal(true)
  })

  it('leaves a zsh function it does not recognise alone', () => {
    expect(withZshProfileCompletion('#compdef vault\n_vault() {\n}\n', 'vault', [])).to.equal(undefined)
  })

  describe('on the files the autocomplete plugin wrote', () => {
    let cacheDir: string
    const bashFile = () => join(cacheDir, 'autocomplete', 'functions', 'bash', 'vault.bash')
    const zshFile = () => join(cacheDir, 'autocomplete', 'functions', 'zsh', '_vault')

    beforeEach(() => {
      cacheDir = mkdtempSync(join(tmpdir(), 'vault-completion-'))
      mkdirSync(join(cacheDir, 'autocomplete', 'functions', 'bash'), {recursive: true})
      mkdirSync(join(cacheDir, 'autocomplete', 'functions', 'zsh'), {recursive: true})
      writeFileSync(bashFile(), '_vault_autocomplete() { :; }\ncomplete -F _vault_autocomplete vault\n')
      writeFileSync(zshFile(), '#compdef vault\n_vault() {\n  :\n}\n\n_vault\n')
    })

    afterEach(() => rmSync(cacheDir, {force: true, recursive: true}))

    it('adds the layer once, however often it runs', async () => {
      const host = {bin: 'vault', cacheDir, commands}
      expect(await addProfileCompletion(host)).to.deep.equal([])
      expect(await addProfileCompletion(host)).to.deep.equal([])
      for (const file of [bashFile(), zshFile()]) expect(readFileSync(file, 'utf8').split(MARKER)).to.have.length(2)
    })

    it('reports a script it cannot extend and still extends the other', async () => {
      writeFileSync(zshFile(), '#compdef vault\nsomething else\n')
      const problems = await addProfileCompletion({bin: 'vault', cacheDir, commands})
      expect(problems).to.have.length(1)
      expect(problems[0]).to.include(zshFile())
      expect(readFileSync(bashFile(), 'utf8')).to.include(MARKER)
      expect(readFileSync(zshFile(), 'utf8')).to.equal('#compdef vault\nsomething else\n')
    })

    it('refuses a binary name that cannot name a shell function', async () => {
      const problems = await addProfileCompletion({bin: 'va$(x)', cacheDir, commands})
      expect(problems[0]).to.match(/cannot name a shell function/)
      expect(readFileSync(bashFile(), 'utf8')).to.not.include(MARKER)
    })
  })
})
