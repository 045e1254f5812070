/** An access key id as aws-vault shows it: sixteen stars and the last four characters. */
export function formatKeyForDisplay(accessKeyId: string): string {
  return `****************${accessKeyId.slice(-4)}`
}
