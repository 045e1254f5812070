import type {CredentialSourceDescriptor} from '../lib/plugin-api/index.ts'

// The host's own credential sources. Describes only: each source's code loads when it is used.
// Tried in priority order after stored keys and source_profile, as aws-vault v7 does.

const sso: CredentialSourceDescriptor = {
  id: 'sso',
  priority: 300,
  matches: (profile) => Boolean(profile.ssoStartUrl),
  cachedSession: (profile) => ({mfaSerial: profile.ssoStartUrl ?? '', type: 'sso.GetRoleCredentials'}),
  create: (profile, deps) => async () => {
    const {ssoProvider} = await import('../lib/providers/sources/sso.ts')
    return ssoProvider(profile, deps)()
  },
}

const webIdentity: CredentialSourceDescriptor = {
  id: 'web-identity',
  priority: 200,
  matches: (profile) => Boolean(profile.webIdentityTokenFile || profile.webIdentityTokenProcess),
  cachedSession: () => ({mfaSerial: '', type: 'sts.AssumeRoleWithWebIdentity'}),
  create: (profile, deps) => async () => {
    const {webIdentityProvider} = await import('../lib/providers/sources/web-identity.ts')
    return webIdentityProvider(profile, deps)()
  },
}

const credentialProcess: CredentialSourceDescriptor = {
  id: 'credential-process',
  priority: 100,
  matches: (profile) => Boolean(profile.credentialProcess),
  cachedSession: () => ({mfaSerial: '', type: 'credential_process'}),
  create: (profile, deps) => async () => {
    const {credentialProcessProvider} = await import('../lib/providers/sources/credential-process.ts')
    return credentialProcessProvider(profile, deps)()
  },
}

export default async function sources(): Promise<CredentialSourceDescriptor[]> {
  return [sso, webIdentity, credentialProcess]
}
