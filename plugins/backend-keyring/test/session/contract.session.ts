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
  undefined,
  {
    // Several connections creating items in the default collection at once crash gnome-keyring-daemon
    // (a GLib assertion after "asked to register item …, but it's already registered"), taking every later
    // test with it. The platforms this binding serves are macOS and Windows; the daemon is only a stand-in.
    concurrentWritersUnsupported:
      "gnome-keyring-daemon crashes on concurrent item creation from several connections, and it only stands in for macOS's and Windows' stores here",
  },
)
