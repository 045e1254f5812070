import {homedir} from 'node:os'

import {Command} from '@oclif/core/command'

import {answerCompletion, buildCompletionModel, modelStamps, parseRequest, writeModel} from '../lib/completion/index.ts'

/**
 * What the completion scripts run on each Tab (src/lib/completion/request.ts has the protocol).
 * bin/main.js answers it from the kept model before oclif loads; this command runs when that
 * model is missing or out of date, builds it from every plugin's commands and hooks, and keeps it.
 */
export default class Complete extends Command {
  static override hidden = true
  static override strict = false
  static override summary = 'Answer one shell completion request (run by the completion scripts)'

  async run(): Promise<void> {
    const request = parseRequest(this.argv)
    // A Tab is no place for an error message: an unknown request completes nothing.
    if (request === undefined) return
    const stamps = modelStamps(this.config)
    const model = await buildCompletionModel(this.config)
    if (request.cache !== undefined) await writeModel(request.cache, stamps, model).catch(() => undefined)
    process.stdout.write(await answerCompletion(model, request, process.env, homedir()))
  }
}
