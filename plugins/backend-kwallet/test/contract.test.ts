import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {keyringContract} from '@vault-aws/cli/plugin-testkit'
import {openKeyring} from './support/context.ts'
import {KWalletSession} from './support/kwallet-session.ts'

describe('kwallet backend on a real kwalletd5 (private D-Bus session, Xvfb)', function () {
  let root: string
  let session: KWalletSession

  before(async function () {
    this.timeout(120_000)
    root = mkdtempSync(join(tmpdir(), 'vault-kwallet-contract-'))
    session = await KWalletSession.start(root)
    // aws-vault's wallet, open, as after a user's first `aws-vault add` (or a login that opened it).
    await session.createWallet('aws-vault', 'contract wallet password')
  })

  after(async function () {
    await session?.stop()
    if (root) rmSync(root, {force: true, recursive: true})
  })

  keyringContract('KWallet, wallet "aws-vault", folder "aws-vault" (aws-vault layout)', () => openKeyring(session.env))
})
