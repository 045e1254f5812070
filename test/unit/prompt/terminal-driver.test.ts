import {expect} from 'chai'

import {VaultError} from '../../../src/lib/errors.ts'
import {askMfaCodeOnTerminal} from '../../../src/lib/prompt/terminal-driver.ts'
import type {Terminal} from '../../../src/lib/prompt/terminal-io.ts'

/** A terminal that answers with scripted lines and records what was written. */
function scripted(answers: Array<string | Error>): Terminal & {written: string; closed: boolean} {
  const queue = [...answers]
  const terminal = {
    closed: false,
    close() {
      terminal.closed = true
    },
    async readHiddenLine() {
      const next = queue.shift()
      if (next === undefined) throw new Error('asked more often than scripted')
      if (next instanceof Error) throw next
      return next
    },
    write(text: string) {
      terminal.written += text
    },
    written: '',
  }
  return terminal
}

const serial = 'arn:aws:iam::111111111111:mfa/jo'

describe('terminal MFA driver', () => {
  it('returns a good first entry and closes the terminal', async () => {
    const terminal = scripted(['123 456'])
    expect(await askMfaCodeOnTerminal(serial, {open: () => terminal})).to.equal('123456')
    expect(terminal.written).to.equal(`Enter MFA code for ${serial}: \n`)
    expect(terminal.closed).to.equal(true)
  })

  it('asks again after a bad entry, saying how many tries are left', async () => {
    const terminal = scripted(['12', '654321'])
    expect(await askMfaCodeOnTerminal(serial, {open: () => terminal})).to.equal('654321')
    expect(terminal.written).to.equal(
      `Enter MFA code for ${serial}: \nAn MFA code is 6 digits; try again (2 left).\nEnter MFA code for ${serial}: \n`,
    )
  })

  it('gives up after three bad entries without repeating what was typed', async () => {
    const terminal = scripted(['1', 'secret-ish', '', '123456'])
    const error = await askMfaCodeOnTerminal(serial, {open: () => terminal}).catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(VaultError)
    expect((error as VaultError).code).to.equal('MFA_FAILED')
    expect((error as VaultError).message).to.equal(`no valid MFA code for ${serial} after 3 attempts`)
    expect(terminal.written).not.to.include('secret-ish')
    expect(terminal.written.match(/Enter MFA code/g)).to.have.length(3)
    expect(terminal.closed).to.equal(true)
  })

  it('lets the abort through and still closes the terminal', async () => {
    const terminal = scripted([new VaultError('ABORTED', 'cancelled at the MFA prompt')])
    const error = await askMfaCodeOnTerminal(serial, {open: () => terminal}).catch((caught: unknown) => caught)
    expect((error as VaultError).exitCode).to.equal(130)
    expect(terminal.closed).to.equal(true)
    expect(terminal.written.endsWith('\n')).to.equal(true)
  })

  it('honours a different number of attempts', async () => {
    const terminal = scripted(['x'])
    const error = await askMfaCodeOnTerminal(serial, {attempts: 1, open: () => terminal}).catch((caught: unknown) => caught)
    expect((error as VaultError).message).to.include('after 1 attempts')
  })
})
