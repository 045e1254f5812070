/**
 * Where the console is for a region, as aws-vault v7 builds it: the federation endpoint of the
 * partition (aws, aws-cn, aws-us-gov) and the Destination the sign-in lands on.
 */
type Env = Readonly<Record<string, string | undefined>>

/** Replaces the partition's federation endpoint, e.g. for a proxy or a test stand-in. */
export const FEDERATION_URL_VARIABLE = 'AWS_VAULT_FEDERATION_URL'

export interface ConsoleEndpoints {
  federationUrl: string
  destination: string
}

interface Partition {
  federationUrl: string
  consoleDomain: string
}

const partitions = {
  aws: {consoleDomain: 'console.aws.amazon.com', federationUrl: 'https://signin.aws.amazon.com/federation'},
  awsCn: {consoleDomain: 'console.amazonaws.cn', federationUrl: 'https://signin.amazonaws.cn/federation'},
  awsUsGov: {consoleDomain: 'console.amazonaws-us-gov.com', federationUrl: 'https://signin.amazonaws-us-gov.com/federation'},
} as const satisfies Record<string, Partition>

function partitionOf(region: string | undefined): Partition {
  if (region?.startsWith('cn-')) return partitions.awsCn
  if (region?.startsWith('us-gov-')) return partitions.awsUsGov
  return partitions.aws
}

/**
 * Without a region: the global console (at `path` if given). With one: that region's console home, or `path`
 * (e.g. `s3/home`, `ec2/v2/home`) in that region.
 */
export function consoleEndpoints(region: string | undefined, path: string | undefined, env: Env = {}): ConsoleEndpoints {
  const partition = partitionOf(region)
  const federationUrl = env[FEDERATION_URL_VARIABLE] || partition.federationUrl
  const cleanPath = (path ?? '').replace(/^\/+/, '')
  if (!region) return {destination: `https://${partitions.aws.consoleDomain}/${cleanPath}`, federationUrl}
  const host = `${region}.${partition.consoleDomain}`
  const destination = cleanPath ? `https://${host}/${cleanPath}?region=${region}` : `https://${host}/console/home?region=${region}`
  return {destination, federationUrl}
}

/** The URL that signs the browser in with a SigninToken and lands on `destination`. */
export function loginUrl(federationUrl: string, destination: string, signinToken: string): string {
  const query = new URLSearchParams({Action: 'login', Issuer: 'vault', Destination: destination, SigninToken: signinToken})
  return `${federationUrl}?${query.toString()}`
}
