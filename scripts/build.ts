// Compiles the host, then every plugin workspace against the host's declarations.
import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'

const root = join(import.meta.dirname, '..')
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')

// dist/ is overwritten in place, not deleted first: a test running the built CLI meanwhile keeps working.
// `npm run build -- --clean` starts from an empty dist/.
const clean = process.argv.includes('--clean')

function compile(dir: string): void {
  if (clean) rmSync(join(dir, 'dist'), {force: true, recursive: true})
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {stdio: 'inherit'})
  } catch {
    console.error(`build: TypeScript failed in ${dir}`)
    process.exit(1)
  }
}

compile(root)
for (const name of readdirSync(join(root, 'plugins'))) {
  const dir = join(root, 'plugins', name)
  if (existsSync(join(dir, 'tsconfig.json')) && existsSync(join(dir, 'src'))) compile(dir)
}
