import type {Credentials, CredentialProvider, ResolvedProfile} from '../plugin-api/index.ts'

import {VaultError} from '../errors.ts'
import type {CredentialStore} from '../keyring/credential-store.ts'

/**
 * The profile whose stored keys serve `profile`: its own when it has them (stored keys beat
 * source_profile, as in aws-vault), otherwise the nearest source_profile that has some.
 */
export async function findStoredCredentialsProfile(profile: ResolvedProfile, store: CredentialStore): Promise<ResolvedProfile | undefined> {
  const stored = new Set(await store.keys())
  let current: ResolvedProfile | undefined = profile
  while (current) {
    if (stored.has(current.name)) return current
    if (current.sourceProfile === current || current.sourceProfileName === current.name) return undefined
    current = current.sourceProfile
  }
  return undefined
}

export function fromStoredCredentials(store: CredentialStore, profileName: string): CredentialProvider {
  return async (): Promise<Credentials> => {
    const credentials = await store.get(profileName)
    if (!credentials) throw missingCredentials(profileName)
    return credentials
  }
}

export function missingCredentials(profileName: string): VaultError {
  return new VaultError('CREDENTIALS_NOT_FOUND', `no credentials stored for profile "${profileName}"`, {
    suggestions: [`store them with \`vault add ${profileName}\``, 'see which profiles have credentials with `vault list`'],
  })
}
