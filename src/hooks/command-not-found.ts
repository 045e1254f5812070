import type {Hook} from '@oclif/core'

// A command vault does not have: the nearest one is named in one line (exit 127, as a shell does for
// an unknown command); with a terminal on stdin and stderr it is offered, and run if accepted.
const hook: Hook<'command_not_found'> = async function (options) {
  const {config} = options
  const {nearestCommand, notFoundLine} = await import('../lib/help/not-found.ts')
  const visible = config.commands.filter((command) => !command.hidden)
  const ids = [...new Set(visible.flatMap((command) => [command.id, ...(command.aliases ?? [])]))]
  const spoken = (id: string) => id.replaceAll(':', config.topicSeparator || ':')
  const nearest = nearestCommand(options.id, options.argv ?? [], ids)
  const typed = spoken(options.id)
  const meant =
    nearest && [spoken(nearest.id), ...nearest.argv.slice(0, options.id.split(':').length - nearest.id.split(':').length)].join(' ')
  if (nearest && process.stdin.isTTY && process.stderr.isTTY) {
    process.stderr.write(`${config.bin}: ${typed} is not a ${config.bin} command.\n`)
    const {promptLine} = await import('../lib/prompt/ask.ts')
    const answer = await promptLine(`Did you mean "${config.bin} ${meant}"? (Y/n) `, 'a confirmation').catch(() => 'n')
    if (/^(y(es)?)?$/i.test(answer.trim())) return config.runCommand(nearest.id, nearest.argv)
    this.exit(127)
  }
  process.stderr.write(`${notFoundLine(config.bin, typed, meant)}\n`)
  this.exit(127)
}

export default hook
