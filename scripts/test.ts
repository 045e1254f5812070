// Runs the suite by group: `node scripts/test.ts unit` (no build needed), `plugins`, `e2e`, `security`,
// `compat`, `pack`, or no group for all of them in one mocha run. Everything from the first option on
// (`npm run test:e2e -- --grep ecs`) goes to mocha as is.
//
// The whole suite runs its files in VAULT_TEST_JOBS mocha workers (default 2): most of its time is spent
// waiting on the processes, daemons and servers the tests start, so a second worker fills that time. Each
// file runs whole in one worker and its output is printed when it ends; the slowest groups' files are
// handed out first. A single group runs in one process, its output streamed as it happens
// (VAULT_TEST_JOBS=1 does the same for the whole suite).
import {execFileSync} from 'node:child_process'
import {join} from 'node:path'

// In the order their files are handed out when the whole suite runs: the slowest groups first, so no long
// file starts last while the other worker sits idle.
const groups: Record<string, {specs: string[]; build: boolean}> = {
  pack: {specs: ['test/pack/**/*.test.ts'], build: true},
  security: {specs: ['test/security/**/*.test.ts'], build: true},
  e2e: {specs: ['test/emulator/**/*.test.ts', 'test/e2e/**/*.test.ts'], build: true},
  compat: {specs: ['test/compat/**/*.test.ts'], build: true},
  plugins: {specs: ['plugins/*/test/**/*.test.ts'], build: true},
  unit: {specs: ['test/unit/**/*.test.ts'], build: false},
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
const jobs = Number(process.env.VAULT_TEST_JOBS ?? (named.length === 0 ? 2 : 1))
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error(`test: VAULT_TEST_JOBS must be a whole number of at least 1, not ${JSON.stringify(process.env.VAULT_TEST_JOBS)}`)
  process.exit(2)
}
const parallel = jobs > 1 ? ['--parallel', '--jobs', String(jobs)] : []
try {
  execFileSync(process.execPath, [mocha, ...parallel, ...specs, ...passThrough], {cwd: root, stdio: 'inherit'})
} catch (error) {
  process.exit((error as {status?: number}).status ?? 1)
}
