import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {VaultCommand} from '../lib/base-command.ts'
import {addProfile, resolveProfile} from '../lib/config/index.ts'
import {checkProfileName} from '../lib/config/profile-name.ts'
import {VaultError} from '../lib/errors.ts'
import {CredentialStore} from '../lib/keyring/credential-store.ts'
import {SessionStore} from '../lib/keyring/session-store.ts'
import {promptLine, promptSecret} from '../lib/prompt/ask.ts'

export interface AddResult {
  profile: string
  backend: string | undefined
  accessKeyId: string
  sessionsRemoved: number
  configAdded: boolean
}

export default class Add extends VaultCommand<typeof Add> {
  static override summary = 'Add credentials to the secure store; asks for them on the terminal unless --env'
  static override enableJsonFlag = true
  static override args = {
    profile: Args.string({description: 'Name of the profile', required: true}),
  }

  static override flags = {
    'add-config': Flags.boolean({allowNo: true, default: true, description: "Add a profile to ~/.aws/config if one doesn't exist"}),
    env: Flags.boolean({
      allowNo: true,
      default: false,
      description: 'Read the credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    }),
  }

  static override examples = ['<%= config.bin %> add work', 'AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… <%= config.bin %> add work --env']

  protected async execute(): Promise<AddResult> {
    const name = this.args.profile
    // Before anything is stored: a name the config cannot hold would leave keys under it.
    checkProfileName(name)
    const env = this.vault.env
    const config = await this.vault.awsConfig()
    if (config.hasProfile(name)) {
      const profile = resolveProfile(config, name, {env: {}})
      if (profile.sourceProfileName && profile.sourceProfileName !== name) {
        throw new VaultError(
          'USAGE',
          `profile "${name}" has source_profile "${profile.sourceProfileName}": credentials added to "${name}" would never be used`,
          {
            suggestions: [`add them to the source instead: \`vault add ${profile.sourceProfileName}\``],
          },
        )
      }
    }
    const {accessKeyId, secretAccessKey} = this.flags.env ? readFromEnvironment(env) : await readFromTerminal()
    const keyring = await this.vault.keyring()
    await new CredentialStore(keyring).set(name, {accessKeyId, secretAccessKey})
    // Sessions made with the old keys would outlive them; aws-vault drops them too.
    const sessionsRemoved = await new SessionStore(await this.vault.sessionKeyring()).remove((session) => session.profileName === name)
    let configAdded = false
    if (this.flags['add-config'] && !config.hasProfile(name)) {
      configAdded = await addProfile(config.path, name)
    }
    return {accessKeyId, backend: this.vault.backendId, configAdded, profile: name, sessionsRemoved}
  }

  protected override render(result: AddResult): void {
    this.log(`Added credentials to profile "${result.profile}" in vault`)
    if (result.sessionsRemoved > 0) this.log(`Deleted ${result.sessionsRemoved} existing sessions.`)
  }
}

function readFromEnvironment(env: Record<string, string | undefined>): {accessKeyId: string; secretAccessKey: string} {
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId)
    throw new VaultError('USAGE', 'missing value for AWS_ACCESS_KEY_ID', {
      suggestions: ['export AWS_ACCESS_KEY_ID, or run without --env to type the keys'],
    })
  if (!secretAccessKey)
    throw new VaultError('USAGE', 'missing value for AWS_SECRET_ACCESS_KEY', {
      suggestions: ['export AWS_SECRET_ACCESS_KEY, or run without --env to type the keys'],
    })
  return {accessKeyId, secretAccessKey}
}

async function readFromTerminal(): Promise<{accessKeyId: string; secretAccessKey: string}> {
  const accessKeyId = (await promptLine('Enter Access Key ID: ', 'the access key')).trim()
  if (!accessKeyId) throw new VaultError('USAGE', 'no access key ID was entered')
  const secretAccessKey = (await promptSecret('Enter Secret Access Key: ', 'the secret key')).trim()
  if (!secretAccessKey) throw new VaultError('USAGE', 'no secret access key was entered')
  return {accessKeyId, secretAccessKey}
}
