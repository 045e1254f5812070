import {STSClient} from '@aws-sdk/client-sts'
import {expect} from 'chai'

import {parseConfig, resolveProfile} from '../../../src/lib/config/index.ts'
import {stsClientConfig} from '../../../src/lib/sts/index.ts'
import {resolveStsTarget, stsEndpointUrl, type StsTarget} from '../../../src/lib/sts/target.ts'

const file = parseConfig(
  `
[profile legacy]
region = eu-west-1
sts_regional_endpoints = legacy

[profile legacy-new-region]
region = ap-east-1
sts_regional_endpoints = legacy

[profile regional]
region = eu-west-1

[profile custom]
region = eu-west-1
endpoint_url = https://profile.example

[profile bare]
`,
  '/home/u/.aws/config',
)

const target = (name: string, env: Record<string, string> = {}) => resolveStsTarget(resolveProfile(file, name, {env}), env)

/** The URL the SDK itself resolves for this target. */
async function sdkEndpoint(stsTarget: StsTarget): Promise<string> {
  const client = new STSClient(stsClientConfig(stsTarget, {accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x'}))
  const endpoint = await client.config.endpointProvider({
    Endpoint: stsTarget.endpoint,
    Region: stsTarget.region,
    UseDualStack: false,
    UseFIPS: false,
    UseGlobalEndpoint: stsTarget.useGlobalEndpoint,
  })
  client.destroy()
  return endpoint.url.href.replace(/\/$/, '')
}

describe('STS target: region, endpoint override, sts_regional_endpoints', () => {
  it('regional by default: the regional endpoint', async () => {
    const {target: regional} = target('regional')
    expect(regional).to.deep.equal({region: 'eu-west-1', useGlobalEndpoint: false})
    expect(stsEndpointUrl(regional)).to.equal('https://sts.eu-west-1.amazonaws.com')
    expect(await sdkEndpoint(regional)).to.equal('https://sts.eu-west-1.amazonaws.com')
  })

  it('legacy: the global endpoint in the regions that had it, as the SDK resolves it', async () => {
    const {target: legacy} = target('legacy')
    expect(legacy.useGlobalEndpoint).to.equal(true)
    expect(stsEndpointUrl(legacy)).to.equal('https://sts.amazonaws.com')
    expect(await sdkEndpoint(legacy)).to.equal('https://sts.amazonaws.com')
  })

  it('legacy in a newer region stays regional', async () => {
    const {target: newer} = target('legacy-new-region')
    expect(newer.useGlobalEndpoint).to.equal(false)
    expect(await sdkEndpoint(newer)).to.equal('https://sts.ap-east-1.amazonaws.com')
  })

  it('AWS_STS_REGIONAL_ENDPOINTS=legacy from the environment', () => {
    expect(target('regional', {AWS_STS_REGIONAL_ENDPOINTS: 'legacy'}).target.useGlobalEndpoint).to.equal(true)
  })

  it('endpoint overrides: AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then endpoint_url', () => {
    expect(target('custom').target.endpoint).to.equal('https://profile.example')
    expect(target('custom', {AWS_ENDPOINT_URL: 'http://all.example'}).target.endpoint).to.equal('http://all.example')
    expect(target('custom', {AWS_ENDPOINT_URL: 'http://all.example', AWS_ENDPOINT_URL_STS: 'http://sts.example'}).target.endpoint).to.equal(
      'http://sts.example',
    )
    expect(
      target('custom', {AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_STS: 'http://sts.example'}).target,
    ).not.to.have.property('endpoint')
  })

  it('no region: us-east-1, flagged so the caller can say so', () => {
    const resolved = target('bare')
    expect(resolved.regionDefaulted).to.equal(true)
    expect(resolved.target.region).to.equal('us-east-1')
    expect(target('regional').regionDefaulted).to.equal(false)
  })
})
