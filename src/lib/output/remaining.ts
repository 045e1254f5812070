/** A duration as Go prints one (`59m58s`, `1h0m5s`), which is how aws-vault shows session lifetimes. */
export function formatRemaining(totalSeconds: number): string {
  if (totalSeconds <= 0) return 'expired'
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`
  if (minutes > 0) return `${minutes}m${seconds}s`
  return `${seconds}s`
}
