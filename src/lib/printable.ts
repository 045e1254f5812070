// Control and format characters (line breaks, escapes, bidi overrides): printed, they break a line
// or redraw the terminal; in a name, they would break the config file's line structure.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u
const UNPRINTABLE_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"\\]/gu
const named: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\'}

/** Whether `text` holds a character that cannot be shown as it is on one terminal line. */
export function hasUnprintable(text: string): boolean {
  return UNPRINTABLE.test(text)
}

/**
 * A name as it can be shown on one terminal line: unchanged when it is plain, otherwise quoted
 * with its line breaks, escapes and other invisible characters spelled out, so a name stored by
 * another program can neither span two lines nor move the cursor.
 */
export function printable(text: string): string {
  return hasUnprintable(text) ? quoted(text) : text
}

/** `text` in double quotes, with quotes, backslashes and invisible characters escaped. */
export function quoted(text: string): string {
  const escaped = text.replace(
    UNPRINTABLE_ALL,
    (character) => named[character] ?? `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  )
  return `"${escaped}"`
}
