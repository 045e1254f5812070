import {expect} from 'chai'

import {comparePlugins, register, type HookAnswers} from '../../../src/lib/registry/index.ts'

const backend = (id: string, priority = 0, extra: object = {}) => ({
  id,
  summary: `${id} backend`,
  priority,
  isAvailable: () => ({available: true}),
  open: async () => ({}),
  ...extra,
})

const plugin = (name: string, type = 'core', isRoot = false) => ({name, type, isRoot})

function answers(successes: HookAnswers['successes'], failures: HookAnswers['failures'] = []): HookAnswers {
  return {successes, failures}
}

describe('register', () => {
  it('sorts by priority and keeps discovery order among equal priorities', () => {
    const {entries} = register(
      'vault:backends',
      answers([
        {plugin: plugin('a'), result: [backend('low', 1), backend('tie-first', 5)]},
        {plugin: plugin('b'), result: [backend('high', 9), backend('tie-second', 5)]},
      ]),
      1000,
    )
    expect(entries.map((entry) => entry.descriptor.id)).to.deep.equal(['high', 'tie-first', 'tie-second', 'low'])
  })

  it('keeps the descriptor object itself, extra properties included', () => {
    const descriptor = backend('extra', 1, {experimental: true})
    const {entries} = register('vault:backends', answers([{plugin: plugin('a'), result: [descriptor]}]), 1000)
    expect(entries[0]!.descriptor).to.equal(descriptor)
  })

  it('lets a user plugin win even when it is discovered before the bundled one', () => {
    const {entries, notices, warnings} = register(
      'vault:backends',
      answers([
        {plugin: plugin('mine', 'user'), result: [backend('same', 1)]},
        {plugin: plugin('bundled', 'core'), result: [backend('same', 2)]},
      ]),
      1000,
    )
    expect(entries.map((entry) => entry.plugin.name)).to.deep.equal(['mine'])
    expect(notices).to.deep.equal(['Backend "same" from user plugin mine replaces the one bundled in bundled'])
    expect(warnings).to.deep.equal([])
  })

  it('treats a dev plugin as bundled: it cannot replace a core descriptor', () => {
    const {entries, warnings} = register(
      'vault:prompts',
      answers([
        {plugin: plugin('core-one'), result: [{id: 'p', summary: '', needsTty: false, isAvailable() {}, create() {}}]},
        {plugin: plugin('dev-one', 'dev'), result: [{id: 'p', summary: '', needsTty: true, isAvailable() {}, create() {}}]},
      ]),
      1000,
    )
    expect(entries.map((entry) => entry.plugin.name)).to.deep.equal(['core-one'])
    expect(warnings).to.deep.equal(['Plugin dev-one: prompt driver "p" ignored: plugin core-one already provides it'])
  })

  it('reports every problem of one descriptor in one warning', () => {
    const {entries, warnings} = register(
      'vault:prompts',
      answers([{plugin: plugin('p'), result: [{id: '', summary: 3, needsTty: 'yes', isAvailable: null}]}]),
      1000,
    )
    expect(entries).to.deep.equal([])
    expect(warnings).to.deep.equal([
      'Plugin p: prompt driver at index 0 ignored: id must be a non-empty string of a-z, 0-9 and "-", got ""; ' +
        'summary must be a string, got 3; needsTty must be a boolean, got "yes"; ' +
        'isAvailable must be a function, got null; create must be a function, got undefined',
    ])
  })

  it('rejects ids with characters outside a-z, 0-9 and "-"', () => {
    const result = register(
      'vault:backends',
      answers([{plugin: plugin('p'), result: ['ok-1', 'Upper', 'under_score', 'dot.ted', ' space', 'ünï'].map((id) => backend(id))}]),
      1000,
    )
    expect(result.entries.map((entry) => entry.descriptor.id)).to.deep.equal(['ok-1'])
    expect(result.warnings).to.have.length(5)
  })

  it('shortens long values and error messages in warnings', () => {
    const {warnings} = register(
      'vault:backends',
      answers(
        [{plugin: plugin('p'), result: [backend('x'.repeat(100).toUpperCase())]}],
        [{plugin: plugin('q'), error: new Error('y'.repeat(500))}],
      ),
      1000,
    )
    expect(warnings[0]).to.equal(`Plugin q: the vault:backends hook failed: ${'y'.repeat(200)}…`)
    expect(warnings[1]).to.include(`got "${'X'.repeat(40)}…"`)
  })

  it('describes a thrown non-error and an empty message', () => {
    const {warnings} = register(
      'vault:sources',
      answers(
        [],
        [
          {plugin: plugin('a'), error: 'just a string'},
          {plugin: plugin('b'), error: new Error('')},
        ],
      ),
      1000,
    )
    expect(warnings).to.deep.equal([
      'Plugin a: the vault:sources hook failed: just a string',
      'Plugin b: the vault:sources hook failed: no error message',
    ])
  })

  it('reports a hook that returned nothing', () => {
    const {warnings} = register('vault:backends', answers([{plugin: plugin('p'), result: undefined}]), 1000)
    expect(warnings).to.deep.equal(['Plugin p: the vault:backends hook returned undefined instead of an array'])
  })
})

describe('comparePlugins', () => {
  it('puts the host first, then bundled plugins as listed, then the rest by name', () => {
    const compare = comparePlugins({pjson: {oclif: {plugins: ['listed-b', 'listed-a']}}} as never)
    const sorted = [plugin('zed', 'user'), plugin('listed-a'), plugin('abc', 'link'), plugin('host', 'core', true), plugin('listed-b')]
      .sort(compare)
      .map((p) => p.name)
    expect(sorted).to.deep.equal(['host', 'listed-b', 'listed-a', 'abc', 'zed'])
  })
})
