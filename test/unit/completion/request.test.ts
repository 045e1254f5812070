import {expect} from 'chai'

import type {Completion} from '../../../src/lib/completion/complete.ts'
import {formatCompletion, parseRequest, shellWords} from '../../../src/lib/completion/request.ts'

describe('completion requests: what the scripts send and read', () => {
  it('splits a command line as a shell does', () => {
    expect(shellWords('vault exec work --dur')).to.deep.equal(['vault', 'exec', 'work', '--dur'])
    expect(shellWords('vault  exec ')).to.deep.equal(['vault', 'exec', ''])
    expect(shellWords(`vault exec 'my work' "a \\"b\\"" c\\ d --x=`)).to.deep.equal(['vault', 'exec', 'my work', 'a "b"', 'c d', '--x='])
    expect(shellWords("vault exec 'unfinished")).to.deep.equal(['vault', 'exec', 'unfinished'])
  })

  it('reads the three shapes of request, and nothing else', () => {
    expect(parseRequest(['bash', '--cache=/c/m.json', '--word=j', '--', 'vault export --format=j'])).to.deep.equal({
      cache: '/c/m.json',
      replacing: 'j',
      shell: 'bash',
      words: ['export', '--format=j'],
    })
    expect(parseRequest(['zsh', '--', 'exec', ''])).to.deep.equal({cache: undefined, shell: 'zsh', words: ['exec', '']})
    expect(parseRequest(['fish', '--cache=m', '--'])).to.deep.equal({cache: 'm', shell: 'fish', words: ['']})
    expect(parseRequest(['bash', '--word=', '--', 'vault'])).to.deep.include({words: ['']})
    for (const bad of [
      [],
      ['tcsh', '--', 'x'],
      ['zsh', 'exec'],
      ['zsh', '--what', '--', 'x'],
      ['bash', '--', 'vault x'],
      ['bash', '--word=x', '--', 'a', 'b'],
    ]) {
      expect(parseRequest(bad), bad.join(' ')).to.equal(undefined)
    }
  })

  const completion: Completion = {
    candidates: [{description: 'as env', value: '--format=env'}, {value: '--format=json'}],
    directive: {type: 'none'},
  }

  it('gives zsh and fish every candidate with its description, then the directive', () => {
    const request = {shell: 'fish' as const, words: ['export', '--format=j']}
    expect(formatCompletion(request, completion)).to.equal('--format=env\tas env\n--format=json\n:none\n')
    expect(formatCompletion({...request, shell: 'zsh'}, {candidates: [], directive: {prefix: '--file=', type: 'files'}})).to.equal(
      ':files\t--file=\n',
    )
    expect(formatCompletion(request, {candidates: [], directive: {before: 2, type: 'command'}})).to.equal(':command\t2\n')
  })

  it('gives bash the matching candidates only, cut to the word bash replaces', () => {
    const request = {replacing: 'j', shell: 'bash' as const, words: ['export', '--format=j']}
    expect(formatCompletion(request, completion)).to.equal('json\n:none\n')
    // `--format=` is two words to bash, the `=` being the last: it replaces the empty word after it.
    expect(formatCompletion({...request, replacing: '=', words: ['export', '--format=']}, completion)).to.equal('env\njson\n:none\n')
    expect(formatCompletion({...request, replacing: '--format=j'}, completion)).to.equal('--format=json\n:none\n')
  })
})
