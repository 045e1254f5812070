// A plugin, its tests included, uses the host only as a third party can: through the published
// `@vault-aws/cli/plugin-api` and `@vault-aws/cli/plugin-testkit`, never a path into the host's
// sources or tests, which may move at any time.
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

import {expect} from 'chai'

const root = join(import.meta.dirname, '..', '..', '..')
const plugins = join(root, 'plugins')

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('node_modules'))
    .map((entry) => join(entry.parentPath, entry.name))
}

/** Every module specifier of static imports, re-exports and dynamic imports with a literal. */
function specifiers(source: string): string[] {
  const found = [...source.matchAll(/\b(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]!)
  return found
}

describe('plugins and the host', () => {
  it('plugins reach the host only through its published exports', () => {
    const crossings: string[] = []
    const names = readdirSync(plugins, {withFileTypes: true}).filter((entry) => entry.isDirectory())
    expect(names.length).to.be.greaterThan(0)
    for (const plugin of names) {
      const pluginRoot = join(plugins, plugin.name)
      for (const file of typescriptFiles(pluginRoot)) {
        for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
          const escapes = specifier.startsWith('.') && relative(pluginRoot, resolve(dirname(file), specifier)).startsWith('..')
          const internal =
            specifier.startsWith('@vault-aws/cli') && !['@vault-aws/cli/plugin-api', '@vault-aws/cli/plugin-testkit'].includes(specifier)
          if (escapes || internal) crossings.push(`${relative(root, file)}: ${specifier}`)
        }
      }
    }
    expect(crossings).to.deep.equal([])
  })
})
