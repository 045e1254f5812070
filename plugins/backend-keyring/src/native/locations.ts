import type {AsyncEntry as AsyncEntryClass, EntryOptions} from '@napi-rs/keyring'

import {WINCRED_NAME, wincredTarget} from '../settings.ts'
import type {NativeLocation} from './keyring.ts'

type AsyncEntryType = typeof AsyncEntryClass

async function loadEntry(): Promise<AsyncEntryType> {
  const {AsyncEntry} = await import('@napi-rs/keyring')
  return AsyncEntry
}

/** macOS: generic passwords of service `aws-vault` (AWS_VAULT_KEYCHAIN_NAME), account = key. */
export async function keychainLocation(service: string): Promise<NativeLocation> {
  const AsyncEntry = await loadEntry()
  return {
    description: `the macOS keychain service ${JSON.stringify(service)}`,
    entry: (key) => new AsyncEntry(service, key),
    indexEntry: () => new AsyncEntry(`${service}.vault-index`, 'keys'),
  }
}

/** Windows: generic credentials with aws-vault's target `aws-vault:aws-vault:<key>`. */
export async function wincredLocation(name = WINCRED_NAME): Promise<NativeLocation> {
  const AsyncEntry = await loadEntry()
  return {
    description: 'the Windows Credential Manager',
    entry: (key) => AsyncEntry.withTarget(wincredTarget(key, name), name, key),
    // Outside the `aws-vault:aws-vault:` prefix aws-vault lists as keys.
    indexEntry: () => AsyncEntry.withTarget(`vault-index:${name}`, name, 'keys'),
  }
}

/** The binding's own Secret Service layout (service/username attributes): used to test this keyring on Linux. */
export async function secretServiceLocation(service: string): Promise<NativeLocation> {
  const AsyncEntry = await loadEntry()
  const options: EntryOptions = {linux: {store: 'secret-service'}}
  return {
    description: `the Secret Service items of service ${JSON.stringify(service)}`,
    entry: (key) => new AsyncEntry(service, key, options),
    indexEntry: () => new AsyncEntry(`${service}.vault-index`, 'keys', options),
  }
}
