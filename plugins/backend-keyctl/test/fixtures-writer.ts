// Writes items in a process of its own: AWS_VAULT_KEYCTL_KEYRING names the keyring, WRITER_KEYS
// the keys (comma-separated); each value is "<key>-value".
import backends from '../src/hooks/backends.ts'
import {context} from './support.ts'

const [descriptor] = await backends()
const keyring = await descriptor!.open(context({AWS_VAULT_KEYCTL_KEYRING: process.env.AWS_VAULT_KEYCTL_KEYRING}))
await Promise.all(
  (process.env.WRITER_KEYS ?? '').split(',').map((key) => keyring.set({key, data: new TextEncoder().encode(`${key}-value`)})),
)
