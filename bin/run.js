#!/usr/bin/env node
// Node's on-disk compile cache saves most of the parse time on every run after the first.
import {enableCompileCache} from 'node:module'
import {fileURLToPath} from 'node:url'

enableCompileCache?.()

const argv = process.argv.slice(2)
// credential_process runs `vault exec <profile> --json` before every AWS call: a live cached
// session is answered before oclif loads (src/lib/start/exec-json.ts); otherwise, and for every
// other command, the full CLI runs.
let answered = false
if (argv[0] === 'exec' && argv.length === 3) {
  const {execJsonFromCache} = await import('../dist/lib/start/exec-json.js')
  answered = await execJsonFromCache(fileURLToPath(new URL('..', import.meta.url)), argv).catch(() => false)
}

if (!answered) {
  // The entry points only, not @oclif/core's index, which loads (and runs) more than a command needs.
  const [{execute}, {settings}] = await Promise.all([import('@oclif/core/execute'), import('@oclif/core/settings')])
  // vault ships compiled JavaScript only: skip oclif's search for TypeScript sources on every hook.
  settings.enableAutoTranspile = false
  await execute({dir: import.meta.url})
}
