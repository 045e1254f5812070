/**
 * A whole number of seconds as Go prints a duration (`59m58s`, `1h0m5s`, `0s`, `-2m3s`), which
 * is how aws-vault shows durations and session lifetimes, expired ones included.
 */
export function formatDuration(totalSeconds: number): string {
  if (totalSeconds < 0) return `-${formatDuration(-totalSeconds)}`
  if (totalSeconds === 0) return '0s'
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`
  if (minutes > 0) return `${minutes}m${seconds}s`
  return `${seconds}s`
}
