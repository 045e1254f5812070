import type {Config} from '@oclif/core'
import {expect} from 'chai'

import {VaultError} from '../../../src/lib/errors.ts'
import {itemCodec} from '../../../src/lib/keyring/item-codec.ts'
import {PluginRegistry, type HookHost, type Registered} from '../../../src/lib/registry/index.ts'
import {shareUntilFailure} from '../../../src/lib/share-until-failure.ts'
import {loadFixtureConfig, removeFixtureHosts} from './fixture-host.ts'

const ids = (entries: Array<Registered<{id: string}>>) => entries.map((entry) => entry.descriptor.id)

/** Counts how often the registry asks oclif to run a hook; the hooks still run for real. */
function countingHost(config: Config): {host: HookHost; calls: string[]} {
  const calls: string[] = []
  const host: HookHost = {
    pjson: config.pjson,
    runHook: (event, options, timeout, captureErrors) => {
      calls.push(String(event))
      return config.runHook(event, options, timeout, captureErrors)
    },
  }
  return {host, calls}
}

describe('PluginRegistry with fixture plugins loaded by oclif', () => {
  after(removeFixtureHosts)

  describe('a well-formed plugin', () => {
    let registry: PluginRegistry

    before(async () => {
      registry = new PluginRegistry(await loadFixtureConfig({core: ['vault-fixture-good']}))
    })

    it('registers its backend, prompt driver and credential source with the plugin they came from', async () => {
      const plugin = {name: 'vault-fixture-good', type: 'core'}
      const [backends, prompts, sources] = await Promise.all([registry.backends(), registry.prompts(), registry.sources()])
      expect(backends.map((entry) => [entry.descriptor.id, entry.plugin])).to.deep.equal([['fixture-memory', plugin]])
      expect(prompts.map((entry) => [entry.descriptor.id, entry.plugin])).to.deep.equal([['fixture-static', plugin]])
      expect(sources.map((entry) => [entry.descriptor.id, entry.plugin])).to.deep.equal([['fixture-static', plugin]])
      expect(registry.warnings()).to.deep.equal([])
      expect(registry.notices()).to.deep.equal([])
    })

    it('hands back descriptors whose functions work', async () => {
      const [backend] = await registry.backends()
      const ctx = {
        env: {},
        findExecutable: () => undefined,
        homedir: '/nonexistent',
        items: itemCodec,
        shareUntilFailure,
        promptSecret: async () => '',
        beforeDialog: () => {},
        debug: () => {},
      }
      expect(await backend!.descriptor.isAvailable(ctx)).to.deep.equal({available: true})
      const keyring = await backend!.descriptor.open(ctx)
      await keyring.set({key: 'work', data: new Uint8Array([1, 2, 3])})
      expect([...(await keyring.get('work')).data]).to.deep.equal([1, 2, 3])
      const [prompt] = await registry.prompts()
      expect(
        await prompt!.descriptor.create({env: {}, findExecutable: () => undefined, debug: () => {}})('arn:aws:iam::111111111111:mfa/me'),
      ).to.equal('123456')
    })
  })

  it('runs each event once per registry, even for concurrent callers', async () => {
    const {host, calls} = countingHost(await loadFixtureConfig({core: ['vault-fixture-good', 'vault-fixture-malformed']}))
    const registry = new PluginRegistry(host)
    const [first, second] = await Promise.all([registry.backends(), registry.backends()])
    const third = await registry.backends()
    await registry.prompts()
    expect(calls).to.deep.equal(['vault:backends', 'vault:prompts'])
    expect(second).to.equal(first)
    expect(third).to.equal(first)
    // Warnings of the malformed plugin are reported once, not once per call.
    expect(registry.warnings().filter((warning) => warning.includes('"no-open"'))).to.have.length(1)
  })

  it('keeps the well-formed descriptors of a malformed plugin and names it in each warning', async () => {
    const registry = new PluginRegistry(await loadFixtureConfig({core: ['vault-fixture-malformed']}))
    const plugin = 'Plugin vault-fixture-malformed'

    expect(ids(await registry.backends())).to.deep.equal(['partial-ok'])
    expect(registry.warnings()).to.deep.equal([
      `${plugin}: backend "no-open" (at index 1) ignored: open must be a function, got undefined`,
      `${plugin}: backend "Bad_ID" (at index 2) ignored: id must be a non-empty string of a-z, 0-9 and "-", got "Bad_ID"`,
      `${plugin}: backend at index 3 ignored: expected an object, got 42`,
    ])

    expect(await registry.prompts()).to.deep.equal([])
    expect(registry.warnings().slice(3)).to.deep.equal([`${plugin}: the vault:prompts hook returned an object instead of an array`])

    expect(ids(await registry.sources())).to.deep.equal(['partial-source'])
    expect(registry.warnings().slice(4)).to.deep.equal([
      `${plugin}: credential source "bad-priority" (at index 0) ignored: priority must be a finite number, got NaN`,
      `${plugin}: credential source "no-functions" (at index 1) ignored: matches must be a function, got true; create must be a function, got undefined`,
    ])
  })

  it('turns a throwing hook into a warning and keeps the rest of that plugin and the others', async () => {
    const registry = new PluginRegistry(await loadFixtureConfig({core: ['vault-fixture-throwing', 'vault-fixture-good']}))
    expect(ids(await registry.backends())).to.deep.equal(['fixture-memory'])
    expect(ids(await registry.prompts())).to.deep.equal(['fixture-survivor', 'fixture-static'])
    // Only the first line of the error: plugins' internals stay out of the one-line warning.
    expect(registry.warnings()).to.deep.equal(['Plugin vault-fixture-throwing: the vault:backends hook failed: backend table exploded'])
  })

  it('gives up on a hook slower than the timeout without waiting for it', async function () {
    // The slow hook answers after ten minutes: finishing within mocha's timeout proves the registry did not wait.
    this.timeout(10_000)
    const registry = new PluginRegistry(await loadFixtureConfig({core: ['vault-fixture-slow', 'vault-fixture-good']}), {
      timeoutMs: 50,
    })
    expect(ids(await registry.backends())).to.deep.equal(['fixture-memory'])
    expect(registry.warnings()).to.deep.equal(['Plugin vault-fixture-slow: the vault:backends hook did not answer within 50 ms'])
  })

  it('keeps the first of two bundled plugins with the same id, in the order the host lists them, and warns', async () => {
    const registry = new PluginRegistry(await loadFixtureConfig({core: ['vault-fixture-dup-zeta', 'vault-fixture-dup-alpha']}))
    const backends = await registry.backends()
    expect(backends.map((entry) => [entry.descriptor.id, entry.descriptor.summary, entry.plugin.name])).to.deep.equal([
      ['shared', 'shared from zeta', 'vault-fixture-dup-zeta'],
      ['alpha-only', 'first alpha-only', 'vault-fixture-dup-alpha'],
    ])
    expect(registry.warnings()).to.deep.equal([
      'Plugin vault-fixture-dup-alpha: backend "shared" ignored: plugin vault-fixture-dup-zeta already provides it',
      'Plugin vault-fixture-dup-alpha: backend "alpha-only" ignored: it is listed twice',
    ])
    expect(registry.notices()).to.deep.equal([])
  })

  it('orders two user plugins with the same id by name, and warns', async () => {
    const registry = new PluginRegistry(await loadFixtureConfig({user: ['vault-fixture-dup-zeta', 'vault-fixture-dup-alpha']}))
    const [shared] = await registry.backends()
    expect([shared!.descriptor.summary, shared!.plugin]).to.deep.equal([
      'shared from alpha',
      {name: 'vault-fixture-dup-alpha', type: 'user'},
    ])
    expect(registry.warnings()).to.include(
      'Plugin vault-fixture-dup-zeta: backend "shared" ignored: plugin vault-fixture-dup-alpha already provides it',
    )
  })

  it('lets a user-installed plugin replace a bundled descriptor of the same id, with a notice', async () => {
    const registry = new PluginRegistry(
      await loadFixtureConfig({core: ['vault-fixture-override-core'], user: ['vault-fixture-override-user']}),
    )
    const backends = await registry.backends()
    expect(backends.map((entry) => [entry.descriptor.id, entry.descriptor.summary, entry.plugin])).to.deep.equal([
      ['override-me', 'installed override-me', {name: 'vault-fixture-override-user', type: 'user'}],
      ['core-only', 'bundled core-only', {name: 'vault-fixture-override-core', type: 'core'}],
    ])
    const [prompt] = await registry.prompts()
    expect([prompt!.descriptor.summary, prompt!.plugin.type]).to.deep.equal(['installed prompt', 'user'])
    expect(registry.notices()).to.deep.equal([
      'Backend "override-me" from user plugin vault-fixture-override-user replaces the one bundled in vault-fixture-override-core',
      'Prompt driver "override-prompt" from user plugin vault-fixture-override-user replaces the one bundled in vault-fixture-override-core',
    ])
    expect(registry.warnings()).to.deep.equal([])
  })

  it('lets a linked plugin replace a bundled descriptor too', async () => {
    const registry = new PluginRegistry(
      await loadFixtureConfig({core: ['vault-fixture-override-core'], link: ['vault-fixture-override-user']}),
    )
    // oclif warns on stderr that it will not transpile a linked ESM plugin: expected here, silenced.
    process.env.OCLIF_DISABLE_LINKED_ESM_WARNING = '1'
    const [backend] = await registry.backends().finally(() => delete process.env.OCLIF_DISABLE_LINKED_ESM_WARNING)
    expect([backend!.descriptor.summary, backend!.plugin]).to.deep.equal([
      'installed override-me',
      {name: 'vault-fixture-override-user', type: 'link'},
    ])
    expect(registry.notices()[0]).to.equal(
      'Backend "override-me" from link plugin vault-fixture-override-user replaces the one bundled in vault-fixture-override-core',
    )
  })

  it('sorts backends and sources by priority, highest first', async () => {
    const registry = new PluginRegistry(
      await loadFixtureConfig({
        core: ['vault-fixture-good', 'vault-fixture-dup-zeta', 'vault-fixture-override-core', 'vault-fixture-malformed'],
      }),
    )
    expect(ids(await registry.backends())).to.deep.equal(['override-me', 'shared', 'fixture-memory', 'core-only', 'partial-ok'])
    expect(ids(await registry.sources())).to.deep.equal(['fixture-static', 'partial-source'])
  })

  it('keeps prompt drivers in the order the host lists their plugins', async () => {
    const forward = new PluginRegistry(await loadFixtureConfig({core: ['vault-fixture-override-core', 'vault-fixture-good']}))
    const backward = new PluginRegistry(await loadFixtureConfig({core: ['vault-fixture-good', 'vault-fixture-override-core']}))
    expect(ids(await forward.prompts())).to.deep.equal(['override-prompt', 'fixture-static'])
    expect(ids(await backward.prompts())).to.deep.equal(['fixture-static', 'override-prompt'])
  })

  it('refuses a timeout that is not a positive number of milliseconds', async () => {
    const config = await loadFixtureConfig({})
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new PluginRegistry(config, {timeoutMs}), String(timeoutMs))
        .to.throw(VaultError, 'plugin hook timeout')
        .with.property('code', 'USAGE')
    }
  })

  it('finds nothing and warns about nothing when no plugin contributes', async () => {
    const registry = new PluginRegistry(await loadFixtureConfig({}))
    expect(await registry.backends()).to.deep.equal([])
    expect(registry.warnings()).to.deep.equal([])
  })
})
