import {isAbsolute, join, resolve} from 'node:path'

/** AWS_SHARED_CREDENTIALS_FILE (with `~` expanded, as the AWS CLI does) or ~/.aws/credentials. */
export function credentialsPath(configured: string | undefined, home: string): string {
  if (!configured) return join(home, '.aws', 'credentials')
  if (configured === '~' || configured.startsWith('~/')) return join(home, configured.slice(1))
  return isAbsolute(configured) ? configured : resolve(configured)
}
