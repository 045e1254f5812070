import {randomBytes} from 'node:crypto'

import {keyringContract} from '@vault-aws/cli/plugin-testkit'
import backends from '../../src/hooks/backends.ts'
import {NativeKeyring} from '../../src/native/keyring.ts'
import {secretServiceLocation} from '../../src/native/locations.ts'
import {context} from '../support/context.ts'
import {createCollection, sessionEnv} from './gnome-keyring.ts'

// aws-vault's default collection, made the way a user's first `aws-vault add` would leave it.
await createCollection('awsvault')
const [keyring] = await backends()

keyringContract('OS keyring on a real gnome-keyring-daemon (aws-vault layout, collection "awsvault")', async () => {
  if (keyring === undefined) throw new Error('the hook returned no backend')
  return keyring.open(context(sessionEnv()))
})

// The binding used on macOS and Windows, run here against the same daemon so its index of
// keys and its error handling are proven somewhere.
const service = `vault-native-${randomBytes(4).toString('hex')}`
keyringContract(
  '@napi-rs/keyring store with the index item (as on macOS and Windows)',
  async () => new NativeKeyring(await secretServiceLocation(service)),
)
