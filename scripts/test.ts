// Runs the suite by group: `node scripts/test.ts unit` (no build needed), `plugins`, `e2e`, `security`,
// `compat`, `pack`, or no group for all of them in one mocha run. Everything from the first option on
// (`npm run test:e2e -- --grep ecs`) goes to mocha as is.
import {execFileSync} from 'node:child_process'
import {join} from 'node:path'

const groups: Record<string, {specs: string[]; build: boolean}> = {
  unit: {specs: ['test/unit/**/*.test.ts'], build: false},
  plugins: {specs: ['plugins/*/test/**/*.test.ts'], build: true},
  e2e: {specs: ['test/emulator/**/*.test.ts', 'test/e2e/**/*.test.ts'], build: true},
  security: {specs: ['test/security/**/*.test.ts'], build: true},
  compat: {specs: ['test/compat/**/*.test.ts'], build: true},
  pack: {specs: ['test/pack/**/*.test.ts'], build: true},
}

const root = join(import.meta.dirname, '..')
const args = process.argv.slice(2).filter((arg) => arg !== '--')
const firstOption = args.findIndex((arg) => arg.startsWith('-'))
const named = firstOption === -1 ? args : args.slice(0, firstOption)
const passThrough = firstOption === -1 ? [] : args.slice(firstOption)
const unknown = named.filter((name) => !(name in groups))
if (unknown.length > 0) {
  console.error(`test: no group ${unknown.join(', ')}; the groups are ${Object.keys(groups).join(', ')}`)
  process.exit(2)
}
const chosen = (named.length > 0 ? named : Object.keys(groups)).map((name) => groups[name]!)

if (chosen.some((group) => group.build)) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.ts'), '--clean'], {cwd: root, stdio: 'inherit'})
}
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js')
const specs = chosen.flatMap((group) => group.specs)
try {
  execFileSync(process.execPath, [mocha, ...specs, ...passThrough], {cwd: root, stdio: 'inherit'})
} catch (error) {
  process.exit((error as {status?: number}).status ?? 1)
}
