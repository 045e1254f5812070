import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {BackendContext} from '@vault-aws/cli/plugin-api'

import {itemCodec} from '../../../src/lib/keyring/item-codec.ts'
import {FileKeyring} from '../src/file-keyring.ts'

export const PASSPHRASE = 'correct horse battery staple'

export interface Recorder {
  prompts: string[]
  debugged: string[]
}

export function context(env: Record<string, string | undefined>, answer = PASSPHRASE): BackendContext & Recorder {
  const prompts: string[] = []
  const debugged: string[] = []
  return {
    env,
    findExecutable: () => undefined, // this backend runs no program
    homedir: '/nonexistent-home',
    items: itemCodec,
    prompts,
    debugged,
    debug: (message: string) => void debugged.push(message),
    async promptSecret(message: string) {
      prompts.push(message)
      return answer
    },
  }
}

export function keyringAt(dir: string, passphrase: string | undefined = PASSPHRASE, answer = PASSPHRASE): FileKeyring {
  const ctx = context({}, answer)
  return new FileKeyring({dir, passphrase, promptSecret: ctx.promptSecret, debug: ctx.debug, items: ctx.items})
}

export async function tempDir(): Promise<{path: string; remove(): Promise<void>}> {
  const path = await mkdtemp(join(tmpdir(), 'vault-backend-file-'))
  return {path, remove: () => rm(path, {recursive: true, force: true})}
}

export const encoder = new TextEncoder()
export const decoder = new TextDecoder()
