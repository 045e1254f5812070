import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {BackendContext} from '@vault-aws/cli/plugin-api'

import {backendContext, type Recorded} from '@vault-aws/cli/plugin-testkit'
import {FileKeyring} from '../src/file-keyring.ts'

export const PASSPHRASE = 'correct horse battery staple'

export function context(env: Record<string, string | undefined>, answer = PASSPHRASE): BackendContext & Recorded {
  return backendContext({env, promptSecret: async () => answer})
}

export function keyringAt(dir: string, passphrase: string | undefined = PASSPHRASE, answer = PASSPHRASE): FileKeyring {
  const ctx = context({}, answer)
  const {promptSecret, debug, items, shareUntilFailure} = ctx
  return new FileKeyring({dir, passphrase, promptSecret, debug, items, shareUntilFailure})
}

export async function tempDir(): Promise<{path: string; remove(): Promise<void>}> {
  const path = await mkdtemp(join(tmpdir(), 'vault-backend-file-'))
  return {path, remove: () => rm(path, {recursive: true, force: true})}
}

export const encoder = new TextEncoder()
export const decoder = new TextDecoder()
