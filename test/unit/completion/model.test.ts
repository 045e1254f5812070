import {expect} from 'chai'

import {completionModel, HELP_VALUES} from '../../../src/lib/completion/model.ts'
import {commands, model} from './fixture.ts'

describe('completion model: what oclif says of the commands', () => {
  it('has every command and alias once, as the words a user types (the completion command itself is no such word)', () => {
    expect(model.commands.map((command) => command.words.join(' '))).to.deep.equal([
      'exec',
      'export',
      'list',
      'ls',
      'migrate',
      'import',
      'autocomplete',
      'autocomplete script',
      'plugins',
      'plugins install',
      'plugins uninstall',
      'help',
    ])
    const ls = model.commands.find((command) => command.words[0] === 'ls')
    expect(ls).to.include({alias: true})
    expect(model.commands.find((command) => command.words[0] === 'list')).to.not.have.property('alias')
  })

  it('reads the kind of value from the helpValue, the choices from the options, and the profile argument by its name', () => {
    const exec = model.commands.find((command) => command.words[0] === 'exec')!
    const flag = (name: string) => exec.flags.find((candidate) => candidate.name === name)
    expect(flag('backend')).to.include({kind: 'backend', takesValue: true})
    expect(flag('prompt')).to.include({kind: 'prompt'})
    expect(flag('file-dir')).to.include({kind: 'directory'})
    expect(flag('duration')).to.deep.equal({char: 'd', name: 'duration', summary: 'Duration of the session', takesValue: true})
    expect(flag('ecs-server')).to.deep.equal({aliases: ['server'], allowNo: true, char: 's', name: 'ecs-server', takesValue: false})
    expect(exec).to.include({strict: false})
    expect(exec.args).to.deep.equal([{kind: 'profile', name: 'profile'}])
    const exported = model.commands.find((command) => command.words[0] === 'export')!
    expect(exported.flags.find((candidate) => candidate.name === 'format')?.options).to.deep.equal(['env', 'export-env', 'ini', 'json'])
    expect(exported).to.include({strict: true})
  })

  it("takes a kind of value from the command's completion hints over the help value, and only a kind it knows", () => {
    const [imported] = completionModel(
      [
        {
          args: {},
          completion: {flags: {a: {fileFlag: 'file', kind: 'credentials-profile'}, b: {kind: 'nonsense' as 'file'}, c: {fileFlag: 'x y'}}},
          flags: {
            a: {helpValue: HELP_VALUES.profile, type: 'option'},
            b: {helpValue: HELP_VALUES.backend, type: 'option'},
            c: {helpValue: HELP_VALUES.profile, type: 'option'},
          },
          id: 'import',
        },
      ],
      {bin: 'vault', choices: {backend: [], prompt: []}, leadingFlags: []},
    ).commands
    expect(imported?.flags).to.deep.equal([
      {fileFlag: 'file', kind: 'credentials-profile', name: 'a', takesValue: true},
      {kind: 'backend', name: 'b', takesValue: true},
      {kind: 'profile', name: 'c', takesValue: true},
    ])
  })

  it('takes the leading flags from the commands that have them, in the order given', () => {
    expect(model.leadingFlags.map((flag) => flag.name)).to.deep.equal(['backend', 'prompt', 'file-dir', 'pass-prefix', 'debug'])
  })

  it('keeps only what a shell can take as one word and one line', () => {
    const built = completionModel(
      [
        {
          args: {},
          description: 'First line\nsecond line',
          flags: {'bad flag': {type: 'boolean'}, good: {description: 'tab\there', options: ['a', 'b\nc', ''], type: 'option'}},
          id: 'ok',
        },
        {args: {}, id: 'not;ok'},
        {args: {}, id: 'ok'},
      ],
      {
        bin: 'vault',
        choices: {backend: [{value: 'x'}, {value: 'x'}, {value: 'y\n'}, {description: 'two\nlines', value: 'z'}], prompt: []},
        leadingFlags: ['missing'],
      },
    )
    expect(built.commands).to.deep.equal([
      {
        args: [],
        flags: [{name: 'good', options: ['a'], summary: 'tab here', takesValue: true}],
        strict: true,
        summary: 'First line',
        words: ['ok'],
      },
    ])
    expect(built.choices.backend).to.deep.equal([{value: 'x'}, {description: 'two', value: 'z'}])
    expect(built.leadingFlags).to.deep.equal([])
  })

  it('fills in the templates of oclif texts', () => {
    const plugins = model.commands.find((command) => command.words.join(' ') === 'plugins')
    expect(plugins?.summary).to.equal('List installed plugins for vault.')
    expect(commands.find((command) => command.id === 'plugins')?.summary).to.include('<%= config.bin %>')
  })
})
