import {expect} from 'chai'

import {consoleEndpoints, loginUrl} from '../../../src/lib/login/console-url.ts'

describe('console endpoints per partition', () => {
  it('aws: the global federation endpoint and the region console home', () => {
    expect(consoleEndpoints('eu-west-1', undefined)).to.deep.equal({
      destination: 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1',
      federationUrl: 'https://signin.aws.amazon.com/federation',
    })
  })

  it('aws-cn for cn-* regions', () => {
    expect(consoleEndpoints('cn-northwest-1', 's3/home')).to.deep.equal({
      destination: 'https://cn-northwest-1.console.amazonaws.cn/s3/home?region=cn-northwest-1',
      federationUrl: 'https://signin.amazonaws.cn/federation',
    })
  })

  it('aws-us-gov for us-gov-* regions', () => {
    expect(consoleEndpoints('us-gov-east-1', undefined)).to.deep.equal({
      destination: 'https://us-gov-east-1.console.amazonaws-us-gov.com/console/home?region=us-gov-east-1',
      federationUrl: 'https://signin.amazonaws-us-gov.com/federation',
    })
  })

  it('no region: the global console, at --path when given', () => {
    expect(consoleEndpoints(undefined, undefined).destination).to.equal('https://console.aws.amazon.com/')
    expect(consoleEndpoints(undefined, '/iam/home').destination).to.equal('https://console.aws.amazon.com/iam/home')
  })

  it('a leading slash in --path is not doubled', () => {
    expect(consoleEndpoints('us-east-1', '/ec2/v2/home').destination).to.equal(
      'https://us-east-1.console.aws.amazon.com/ec2/v2/home?region=us-east-1',
    )
  })

  it('AWS_VAULT_FEDERATION_URL replaces the endpoint in every partition, not the destination', () => {
    const env = {AWS_VAULT_FEDERATION_URL: 'http://127.0.0.1:9/federation'}
    expect(consoleEndpoints('cn-north-1', undefined, env)).to.deep.equal({
      destination: 'https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1',
      federationUrl: 'http://127.0.0.1:9/federation',
    })
  })

  it('the login URL escapes Destination and the token', () => {
    const url = new URL(loginUrl('https://signin.aws.amazon.com/federation', 'https://x.example/a?region=b&c=d', 'tok+en/='))
    expect(url.searchParams.get('Action')).to.equal('login')
    expect(url.searchParams.get('Issuer')).to.equal('vault')
    expect(url.searchParams.get('Destination')).to.equal('https://x.example/a?region=b&c=d')
    expect(url.searchParams.get('SigninToken')).to.equal('tok+en/=')
  })
})
