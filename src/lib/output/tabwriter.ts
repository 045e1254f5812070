/**
 * The table layout of aws-vault's `list`: Go's tabwriter with a minimum cell width of 25,
 * two spaces of padding and every cell, the last one too, ended by a tab, so every cell is
 * padded, trailing spaces included. Scripts that cut columns by position rely on it.
 */
export function formatTabwriterTable(rows: readonly (readonly string[])[], minWidth = 25, padding = 2): string {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? minWidth, cell.length + padding)
    })
  }
  return rows.map((row) => row.map((cell, index) => cell.padEnd(widths[index] ?? minWidth)).join('')).join('\n')
}
