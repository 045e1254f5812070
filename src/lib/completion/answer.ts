import {loadConfigFile} from '../config/file.ts'
import {readRegularFile} from '../config/regular-file.ts'
import {readCredentialsFile} from '../import/credentials-file.ts'
import {credentialsPath} from '../import/credentials-path.ts'
import {readFreshModel} from './cache.ts'
import {complete} from './complete.ts'
import type {CompletionModel} from './model.ts'
import {type CompletionRequest, formatCompletion, parseRequest} from './request.ts'

type Env = Readonly<Record<string, string | undefined>>

/** The text the completion script reads for `request`; profile names come from the config file `env` points at. */
export async function answerCompletion(model: CompletionModel, request: CompletionRequest, env: Env, home: string): Promise<string> {
  const completion = await complete(model, request.words, {
    // A config file that cannot be read or parsed completes no profile names: Tab is no place for its error.
    profiles: () =>
      loadConfigFile(env, home).then(
        (config) => config.profileNames(),
        () => [],
      ),
    credentialsProfiles: (file) => credentialsProfiles(file, env, home),
  })
  return formatCompletion(request, completion)
}

/**
 * The profiles `vault import` would find plaintext keys for, in the file it reads: `file` (the
 * value typed after --file) when given, else AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials.
 * A file that is missing or cannot be read completes nothing.
 */
async function credentialsProfiles(file: string | undefined, env: Env, home: string): Promise<string[]> {
  const path = credentialsPath(file ?? env.AWS_SHARED_CREDENTIALS_FILE, home)
  try {
    const {text} = await readRegularFile(path)
    return readCredentialsFile(text).keys.map((entry) => entry.profile)
  } catch {
    return []
  }
}

/**
 * The answer to `vault __complete …` from the kept model, before oclif loads (bin/main.js), or
 * undefined when there is no fresh one: the hidden command then builds it through oclif.
 */
export async function answerFromCache(argv: readonly string[], env: Env, home: string): Promise<string | undefined> {
  const request = parseRequest(argv)
  if (request?.cache === undefined) return undefined
  const model = readFreshModel(request.cache)
  return model && answerCompletion(model, request, env, home)
}
