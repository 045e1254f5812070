import {join} from 'node:path'

import {keyringContract} from '@vault-aws/cli/plugin-testkit'
import backends from '../src/hooks/backends.ts'
import {context, PASSPHRASE, tempDir} from './support.ts'

const store = await tempDir()
const [descriptor] = await backends()

keyringContract(
  'file backend',
  async () => {
    if (descriptor === undefined) throw new Error('the hook returned no backend')
    return descriptor.open(context({AWS_VAULT_FILE_DIR: join(store.path, 'keys'), AWS_VAULT_FILE_PASSPHRASE: PASSPHRASE}))
  },
  store.remove,
)
