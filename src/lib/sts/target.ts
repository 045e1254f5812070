/**
 * Where STS (and the SSO services) are called: the region, an endpoint override, and the
 * regional-or-global choice of `sts_regional_endpoints`. Pure: no SDK here, so `vault describe`
 * can show the endpoint without loading it.
 */
import type {ResolvedProfile} from '../plugin-api/index.ts'

import {callLimitsFromEnv, type CallLimits} from './limits.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface StsTarget {
  region: string
  /** Endpoint override from AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or the profile's endpoint_url. */
  endpoint?: string
  /** `sts_regional_endpoints = legacy` in one of the regions that then use sts.amazonaws.com. */
  useGlobalEndpoint: boolean
  /** Attempts and timeouts set in the environment; the defaults otherwise. */
  limits?: CallLimits
}

export interface ResolvedStsTarget {
  target: StsTarget
  /** True when the profile had no region and STS falls back to {@link defaultStsRegion}. */
  regionDefaulted: boolean
}

/** Unlike aws-vault, a profile without a region still works: STS answers in us-east-1. */
export const defaultStsRegion = 'us-east-1'

/** The regions that `sts_regional_endpoints = legacy` sends to the global endpoint, as the AWS SDKs list them. */
const legacyGlobalRegions = new Set([
  'ap-northeast-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'aws-global',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
])

/**
 * The endpoint a service is configured to use, as the AWS SDKs read it: the service's own
 * variable (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`), then
 * `AWS_ENDPOINT_URL`, then the profile's `endpoint_url`; none when configured endpoints are ignored.
 */
export function configuredEndpoint(serviceVariable: string, profile: ResolvedProfile, env: Env): string | undefined {
  const ignore = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? profile.raw.ignore_configured_endpoint_urls
  if (ignore?.toLowerCase() === 'true') return undefined
  return env[serviceVariable] || env.AWS_ENDPOINT_URL || profile.endpointUrl || undefined
}

export function resolveStsTarget(profile: ResolvedProfile, env: Env): ResolvedStsTarget {
  const region = profile.region || defaultStsRegion
  const endpoint = configuredEndpoint('AWS_ENDPOINT_URL_STS', profile, env)
  const legacy = (profile.stsRegionalEndpoints ?? '').toLowerCase() === 'legacy'
  const limits = callLimitsFromEnv(env)
  return {
    regionDefaulted: !profile.region,
    target: {
      region,
      useGlobalEndpoint: legacy && legacyGlobalRegions.has(region),
      ...(endpoint ? {endpoint} : {}),
      ...(limits ? {limits} : {}),
    },
  }
}

/** The URL STS requests go to, for display: what the SDK's endpoint rules give for the usual partitions. */
export function stsEndpointUrl(target: StsTarget): string {
  if (target.endpoint) return target.endpoint
  if (target.useGlobalEndpoint) return 'https://sts.amazonaws.com'
  const suffix = target.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `https://sts.${target.region}.${suffix}`
}
