/**
 * Line editing for a terminal in raw mode, kept pure so it can be tested without one.
 * Only what a hidden entry needs: characters, backspace, Ctrl-U, Enter, Ctrl-C and Ctrl-D.
 * Escape sequences (arrow keys, function keys, pasted-text brackets) are dropped.
 */

export type LineOutcome = 'pending' | 'submit' | 'abort'

export interface LineState {
  text: string
  outcome: LineOutcome
}

const ENTER = new Set(['\r', '\n'])
const CTRL_C = '\u0003'
const CTRL_D = '\u0004'
const CTRL_U = '\u0015'
const BACKSPACE = new Set(['\u007f', '\b'])
const ESC = '\u001b'

/** Applies one chunk of terminal input; input after Enter or Ctrl-C is ignored. */
export function applyInput(state: LineState, input: string): LineState {
  let {text} = state
  if (state.outcome !== 'pending') return state
  const chars = [...input]
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index] as string
    if (ENTER.has(char)) return {outcome: 'submit', text}
    if (char === CTRL_C) return {outcome: 'abort', text: ''}
    if (char === CTRL_D) {
      // As a shell does: end of input on an empty line, ignored otherwise.
      if (text === '') return {outcome: 'abort', text: ''}
      continue
    }
    if (BACKSPACE.has(char)) {
      text = [...text].slice(0, -1).join('')
      continue
    }
    if (char === CTRL_U) {
      text = ''
      continue
    }
    if (char === ESC) {
      index = skipEscapeSequence(chars, index)
      continue
    }
    if (char < ' ') continue
    text += char
  }
  return {outcome: 'pending', text}
}

/** Index of the last character of the escape sequence starting at `start`. */
function skipEscapeSequence(chars: string[], start: number): number {
  const next = chars[start + 1]
  if (next === '[') {
    // CSI: parameters and intermediates, then one final byte in @..~
    let index = start + 2
    while (index < chars.length && !/[@-~]/.test(chars[index] as string)) index++
    return Math.min(index, chars.length - 1)
  }
  if (next === 'O') return Math.min(start + 2, chars.length - 1)
  return next === undefined ? start : start + 1
}
