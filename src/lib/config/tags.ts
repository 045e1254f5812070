/** Parses `k=v,k2=v2` (spaces around keys and values trimmed); throws a SyntaxError naming the bad item. */
export function parseSessionTags(text: string): Record<string, string> {
  const tags = new Map<string, string>()
  for (const item of text.split(',')) {
    const equals = item.indexOf('=')
    const key = equals === -1 ? '' : item.slice(0, equals).trim()
    if (key === '') {
      throw new SyntaxError(`"${item.trim()}" is not key=value; session tags are written key1=value1,key2=value2`)
    }
    tags.set(key, item.slice(equals + 1).trim())
  }
  return Object.fromEntries(tags)
}

/** Parses `k,k2`: trimmed, empty items dropped. */
export function parseTransitiveTags(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '')
}
