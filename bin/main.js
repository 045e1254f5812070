// The CLI proper, loaded by run.js once it knows this Node can run it.
// Node's on-disk compile cache saves most of the parse time on every run after the first.
import {enableCompileCache} from 'node:module'
import {fileURLToPath} from 'node:url'

enableCompileCache?.()

let argv = process.argv.slice(2)
// aws-vault's global flags may come before the command (`vault --backend=file exec work`): moved
// behind it once, here, so oclif and the start path see one form (src/lib/start/argv.ts).
if (argv[0]?.startsWith('-')) {
  const {normalizeArgv} = await import('../dist/lib/start/argv.js')
  argv = normalizeArgv(argv)
  process.argv.splice(2, process.argv.length - 2, ...argv)
}

// credential_process runs `vault exec <profile> --json` (or `export <profile> --format json`) before every
// AWS call: a live cached session, or stored keys with --no-session, is answered before oclif loads
// (src/lib/start/exec-json.ts); otherwise, and for every other command, the full CLI runs.
let answered = false
const root = fileURLToPath(new URL('..', import.meta.url))
if (argv.length === 1 && argv[0] === '--version') {
  // oclif's version line, without loading oclif to word it (src/lib/start/version.ts).
  const {versionLine, writeStdout} = await import('../dist/lib/start/version.js')
  const line = versionLine(root)
  if (line !== undefined) {
    writeStdout(`${line}\n`)
    answered = true
  }
} else if (argv[0] === 'exec' || argv[0] === 'export') {
  const {startPathRequest} = await import('../dist/lib/start/argv.js')
  if (startPathRequest(argv)) {
    // One module holding the start path (scripts/build.ts bundles src/lib/start/index.ts): loading
    // its 40-odd modules one by one costs more than the work they do.
    const {execJsonFromCache} = await import('../dist/lib/start/bundle.js')
    answered = await execJsonFromCache(root, argv).catch(() => false)
  }
} else if (argv[0] === 'list' || argv[0] === 'ls') {
  // `vault list` reads the config and the names of the store's items: the start path answers it too.
  const {listRequest} = await import('../dist/lib/start/argv.js')
  if (listRequest(argv)) {
    const {listFromStart} = await import('../dist/lib/start/bundle.js')
    answered = await listFromStart(root, argv).catch(() => false)
  }
} else if (argv[0] === '__complete') {
  // A Tab in a shell whose completion vault set up: answered from the completion model kept between Tabs
  // while it is up to date (src/lib/completion/answer.ts); otherwise the hidden command builds it.
  const [{answerFromCache}, {homedir}, {writeStdout}] = await Promise.all([
    import('../dist/lib/completion/answer.js'),
    import('node:os'),
    import('../dist/lib/start/stdout.js'),
  ])
  const text = await answerFromCache(argv.slice(1), process.env, homedir()).catch(() => undefined)
  if (text !== undefined) {
    writeStdout(text)
    answered = true
  }
}

if (!answered) {
  // A reader that has all it wants closes the pipe (`vault list --profiles | head -1`): vault ends quietly.
  const {endQuietlyOnClosedPipe} = await import('../dist/lib/start/stdout.js')
  endQuietlyOnClosedPipe()
  // The entry points only, not @oclif/core's index, which loads (and runs) more than a command needs.
  const [{execute}, {settings}] = await Promise.all([import('@oclif/core/execute'), import('@oclif/core/settings')])
  // vault ships compiled JavaScript only: skip oclif's search for TypeScript sources on every hook.
  settings.enableAutoTranspile = false
  await execute({args: argv, dir: import.meta.url})
}
