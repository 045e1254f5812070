// docs/commands.md must say what the built commands say: a new command or flag without a regenerated
// reference fails here.
import {expect} from 'chai'
import {readFileSync} from 'node:fs'

import {commandReference, referencePath} from '../../scripts/command-reference.ts'

describe('docs/commands.md', () => {
  it('matches the commands and flags of the build', async () => {
    const expected = await commandReference()
    const written = readFileSync(referencePath, 'utf8')
    if (written !== expected) {
      const line = written.split('\n').findIndex((text, index) => text !== expected.split('\n')[index])
      expect.fail(`docs/commands.md is stale from line ${line + 1}: run \`npm run docs\` and commit the result`)
    }
    expect(expected).to.include('## vault exec')
    expect(expected).to.include('## vault plugins install')
  })
})
