// A small CLI shaped like vault's commands, as oclif describes them, for the completion tests.
import {type CommandShape, completionModel, type CompletionModel, HELP_VALUES} from '../../../src/lib/completion/model.ts'

const globalFlags = {
  backend: {helpValue: HELP_VALUES.backend, summary: 'Secret backend to use', type: 'option'},
  debug: {allowNo: true, description: 'Show debugging output', type: 'boolean'},
  'file-dir': {helpValue: HELP_VALUES.directory, type: 'option'},
  'pass-prefix': {type: 'option'},
  prompt: {helpValue: HELP_VALUES.prompt, type: 'option'},
}

const credentialFlags = {
  ...globalFlags,
  duration: {char: 'd', summary: 'Duration of the session', type: 'option'},
  'no-session': {allowNo: true, char: 'n', type: 'boolean'},
}

export const commands: CommandShape[] = [
  {
    args: {profile: {name: 'profile'}},
    flags: {
      ...credentialFlags,
      'ecs-server': {aliases: ['server'], allowNo: true, char: 's', type: 'boolean'},
      json: {char: 'j', type: 'boolean'},
    },
    id: 'exec',
    strict: false,
    summary: 'Run a command with credentials',
  },
  {
    args: {profile: {name: 'profile'}},
    flags: {...credentialFlags, format: {options: ['env', 'export-env', 'ini', 'json'], type: 'option'}},
    id: 'export',
    summary: 'Print credentials',
  },
  {aliases: ['ls'], args: {}, flags: {...globalFlags, profiles: {type: 'boolean'}}, id: 'list', summary: 'List profiles'},
  // oclif lists an alias as a command of its own too.
  {aliases: ['ls'], args: {}, flags: {...globalFlags, profiles: {type: 'boolean'}}, id: 'ls', summary: 'List profiles'},
  {
    args: {},
    flags: {
      ...globalFlags,
      from: {helpValue: HELP_VALUES.backend, type: 'option'},
      profile: {helpValue: HELP_VALUES.profile, multiple: true, type: 'option'},
      to: {helpValue: HELP_VALUES.backend, type: 'option'},
    },
    id: 'migrate',
  },
  {
    args: {},
    // As `vault import` declares it: --profile takes the profiles of the credentials file --file names.
    completion: {flags: {profile: {fileFlag: 'file', kind: 'credentials-profile'}}},
    flags: {
      ...globalFlags,
      file: {char: 'f', helpValue: HELP_VALUES.file, type: 'option'},
      profile: {helpValue: HELP_VALUES.profile, multiple: true, type: 'option'},
    },
    id: 'import',
  },
  {args: {shell: {options: ['bash', 'zsh', 'fish']}}, flags: {'refresh-cache': {char: 'r', type: 'boolean'}}, id: 'autocomplete'},
  {args: {shell: {options: ['bash', 'zsh', 'fish']}}, hidden: true, id: 'autocomplete:script'},
  {args: {}, id: 'plugins', summary: 'List installed plugins for <%= config.bin %>.'},
  {
    args: {plugin: {}},
    flags: {force: {char: 'f', type: 'boolean'}},
    id: 'plugins:install',
    summary: 'Installs a plugin into <%= config.bin %>.',
  },
  {args: {plugin: {}}, id: 'plugins:uninstall'},
  {args: {}, hidden: true, id: '__complete', strict: false},
  {
    args: {command: {}},
    flags: {'nested-commands': {char: 'n', type: 'boolean'}},
    id: 'help',
    strict: false,
    summary: 'Display help for <%= config.bin %>.',
  },
]

export const model: CompletionModel = completionModel(commands, {
  bin: 'vault',
  choices: {
    backend: [
      {description: 'Encrypted files', value: 'file'},
      {description: 'The OS keyring', value: 'keyring'},
    ],
    prompt: [{description: 'Asks on the terminal', value: 'terminal'}],
  },
  leadingFlags: ['backend', 'prompt', 'file-dir', 'pass-prefix', 'debug'],
})

export const profiles = ['personal', 'work-dev', 'work-prod']

/** The profiles with plaintext keys in each credentials file, by the path typed (undefined: the default file). */
export const credentialsFiles: ReadonlyMap<string | undefined, string[]> = new Map([
  [undefined, ['default', 'legacy']],
  ['~/other', ['other-a', 'other-b']],
  ['/tmp/third', ['third']],
])
