import {keyringContract} from '@vault-aws/cli/plugin-testkit'
import backends from '../src/hooks/backends.ts'
import {context, dropRing, requireKeyctl, testRing} from './support.ts'

requireKeyctl()
const [descriptor] = await backends()
if (descriptor === undefined) throw new Error('the hook returned no backend')

for (const scope of ['user', 'persistent']) {
  const ring = testRing()
  keyringContract(
    `keyctl, ${scope} scope (real kernel keyring)`,
    () => descriptor.open(context({AWS_VAULT_KEYCTL_KEYRING: ring, AWS_VAULT_KEYCTL_SCOPE: scope})),
    async () => dropRing(ring),
  )
}
