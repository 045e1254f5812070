/** RFC 3339 in UTC without fractional seconds, as aws-vault prints expirations. */
export function formatIso8601(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
