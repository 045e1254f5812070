import {findExecutable} from '../executable.ts'
import {itemCodec} from '../keyring/item-codec.ts'
import type {BackendContext, PromptContext} from '../plugin-api/index.ts'
import {shareUntilFailure} from '../share-until-failure.ts'

type Env = Record<string, string | undefined>

/** What a context built for a test saw: `debug` messages, and what `promptSecret` and `beforeDialog` were called with. */
export interface Recorded {
  debugged: string[]
  prompts: string[]
  dialogs: string[]
}

export interface BackendContextOptions {
  /** The backend's settings, under aws-vault's variable names; include `PATH` if the backend runs a program. */
  env?: Env
  /** Defaults to a directory that does not exist: a test never touches the real home. */
  homedir?: string
  /** Answers the backend's passphrase prompt; without it the prompt rejects, as when there is no terminal. */
  promptSecret?: (message: string) => Promise<string>
  /** What `beforeDialog` does after recording its argument: throw, as on vault's fast path, or return (the default). */
  beforeDialog?: (what: string) => void
}

/**
 * A `BackendContext` as the host builds one: the host's own item codec, program lookup (on
 * `env.PATH`) and `shareUntilFailure`, and the `debug`, `promptSecret` and `beforeDialog` calls recorded.
 */
export function backendContext(options: BackendContextOptions = {}): BackendContext & Recorded {
  const env = options.env ?? {}
  const debugged: string[] = []
  const prompts: string[] = []
  const dialogs: string[] = []
  const answer = options.promptSecret
  return {
    env,
    homedir: options.homedir ?? '/nonexistent-home',
    items: itemCodec,
    findExecutable: (command) => findExecutable(command, env.PATH),
    shareUntilFailure,
    debug: (message) => void debugged.push(message),
    promptSecret(message) {
      prompts.push(message)
      return answer ? answer(message) : Promise.reject(new Error('no terminal to ask on (give backendContext a promptSecret)'))
    },
    beforeDialog(what) {
      dialogs.push(what)
      options.beforeDialog?.(what)
    },
    debugged,
    dialogs,
    prompts,
  }
}

/** A `PromptContext` as the host builds one: program lookup on `env.PATH`, `debug` recorded. */
export function promptContext(options: {env?: Env} = {}): PromptContext & Pick<Recorded, 'debugged'> {
  const env = options.env ?? {}
  const debugged: string[] = []
  return {
    env,
    findExecutable: (command) => findExecutable(command, env.PATH),
    debug: (message) => void debugged.push(message),
    debugged,
  }
}
