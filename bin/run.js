#!/usr/bin/env node
// Only syntax that old Node versions parse: on a Node older than vault needs, this file runs anyway and
// says so in one line, instead of failing on something further down.
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(
    'vault needs Node.js 22 or newer, and ' +
      process.execPath +
      ' is ' +
      process.version +
      ': install Node.js >= 22, or the standalone vault build, which brings its own Node.js.\n',
  )
  process.exitCode = 1
} else {
  await import('./main.js')
}
