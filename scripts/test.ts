// The whole suite: build once, then unit, plugin and end-to-end tests in one mocha run.
import {execFileSync} from 'node:child_process'
import {join} from 'node:path'

const root = join(import.meta.dirname, '..')
execFileSync(process.execPath, [join(root, 'scripts', 'build.ts'), '--clean'], {cwd: root, stdio: 'inherit'})
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js')
try {
  execFileSync(process.execPath, [mocha, ...process.argv.slice(2)], {cwd: root, stdio: 'inherit'})
} catch (error) {
  process.exit((error as {status?: number}).status ?? 1)
}
