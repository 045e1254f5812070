import {expect} from 'chai'

import {VaultError} from '../../../src/lib/errors.ts'
import {selectById, type Registered} from '../../../src/lib/registry/index.ts'

const entry = (id: string): Registered<{id: string}> => ({descriptor: {id}, plugin: {name: `plugin-${id}`, type: 'core'}})

describe('selectById', () => {
  it('returns the entry with that id', () => {
    const entries = [entry('file'), entry('pass')]
    expect(selectById(entries, 'pass')).to.equal(entries[1])
  })

  it('throws BACKEND_UNKNOWN listing the ids that exist', () => {
    const error = catchError(() => selectById([entry('file'), entry('pass')], 'kwallet'))
    expect(error).to.be.instanceOf(VaultError)
    expect(error).to.include({code: 'BACKEND_UNKNOWN', message: 'Unknown backend "kwallet" (available: file, pass)'})
    expect(error.suggestions).to.deep.equal(['Use one of: file, pass'])
    expect(error.exitCode).to.equal(2)
  })

  it('says so when no backend is installed at all', () => {
    const error = catchError(() => selectById([], 'file'))
    expect(error.message).to.equal('Unknown backend "file" (none is installed)')
  })
})

function catchError(run: () => unknown): VaultError {
  try {
    run()
  } catch (error) {
    return error as VaultError
  }
  throw new Error('expected an error')
}
