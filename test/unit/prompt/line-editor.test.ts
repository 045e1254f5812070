import {expect} from 'chai'
import fc from 'fast-check'

import {applyInput, type LineState} from '../../../src/lib/prompt/line-editor.ts'

const empty: LineState = {outcome: 'pending', text: ''}

function type(...chunks: string[]): LineState {
  return chunks.reduce(applyInput, empty)
}

describe('prompt line editor', () => {
  it('submits on Enter, as carriage return or line feed', () => {
    expect(type('123456\r')).to.deep.equal({outcome: 'submit', text: '123456'})
    expect(type('123', '456\n')).to.deep.equal({outcome: 'submit', text: '123456'})
  })

  it('aborts on Ctrl-C, dropping what was typed', () => {
    expect(type('12\u0003')).to.deep.equal({outcome: 'abort', text: ''})
  })

  it('aborts on Ctrl-D only when the line is empty', () => {
    expect(type('\u0004')).to.deep.equal({outcome: 'abort', text: ''})
    expect(type('12\u0004', '3\r')).to.deep.equal({outcome: 'submit', text: '123'})
  })

  it('erases with backspace (DEL or BS) and Ctrl-U', () => {
    expect(type('129\u007f3\b4\r')).to.deep.equal({outcome: 'submit', text: '124'})
    expect(type('999\u0015', '123456\r').text).to.equal('123456')
    expect(type('\u007f\u007f1\r').text).to.equal('1')
  })

  it('drops escape sequences such as arrow keys and keeps bracketed paste contents', () => {
    expect(type('1\u001b[D2\u001bOA3\u001b[1;5C\r').text).to.equal('123')
    expect(type('\u001b[200~123456\u001b[201~\r').text).to.equal('123456')
  })

  it('ignores input after the line is finished', () => {
    const done = type('1\r')
    expect(applyInput(done, '2\r')).to.equal(done)
  })

  it('keeps any printable text as typed, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.string({unit: fc.constantFrom(...'0123456789 abcXYZ-')}), fc.nat({max: 20}), (text, cut) => {
        const at = Math.min(cut, text.length)
        expect(type(text.slice(0, at), text.slice(at), '\r')).to.deep.equal({outcome: 'submit', text})
      }),
    )
  })
})
