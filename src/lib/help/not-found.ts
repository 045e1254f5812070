import {closestName, editDistance} from '../config/unknown-profile.ts'

export interface NearestCommand {
  /** The command's id (words joined by `:`). */
  id: string
  /** The typed words after the command's own, then the rest of the command line. */
  argv: string[]
}

/**
 * The command nearest to a mistyped one: each command is compared with as many of the typed words
 * as it has (`exce work` is `exec` with the argument `work`), and only one near enough to be the same
 * words mistyped is offered. A command of more words wins (`plugins instal` is `plugins install`,
 * not `plugins` with an argument), then the one fewer edits away.
 */
export function nearestCommand(typedId: string, argv: readonly string[], commandIds: readonly string[]): NearestCommand | undefined {
  const typed = typedId.split(':')
  let best: {id: string; words: number; distance: number} | undefined
  for (const id of commandIds) {
    const words = id.split(':').length
    if (words > typed.length) continue
    const head = typed.slice(0, words).join(':')
    if (closestName(head, [id]) === undefined) continue
    const distance = editDistance(head.toLowerCase(), id.toLowerCase())
    if (best === undefined || words > best.words || (words === best.words && distance < best.distance)) best = {distance, id, words}
  }
  if (best === undefined) return undefined
  return {argv: [...typed.slice(best.id.split(':').length), ...argv], id: best.id}
}

/** `vault lst`: one line naming what was typed and, when there is one, the command meant. */
export function notFoundLine(bin: string, typed: string, meant: string | undefined): string {
  const help = `\`${bin} help\` lists the commands`
  return meant === undefined
    ? `${bin}: ${typed} is not a ${bin} command (${help})`
    : `${bin}: ${typed} is not a ${bin} command; did you mean "${bin} ${meant}"? (${help})`
}
