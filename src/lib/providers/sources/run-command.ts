import {spawn} from 'node:child_process'

import {VaultError} from '../../errors.ts'

export interface CommandOutput {
  stdout: string
}

/**
 * Runs a command line from the config through `sh -c`, as aws-vault does: stdout is captured,
 * stderr and stdin stay with the user so the command can prompt. Its output never goes to a log.
 */
export function runConfiguredCommand(
  command: string,
  what: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {env: commandEnvironment(env), stdio: ['inherit', 'pipe', 'inherit']})
    let stdout = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => (stdout += chunk))
    child.on('error', (error) => reject(new VaultError('COMMAND_FAILED', `${what} could not start: ${error.message}`, {cause: error})))
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve({stdout})
        return
      }
      reject(
        new VaultError('COMMAND_FAILED', `${what} failed (${signal ?? `exit code ${code}`})`, {
          suggestions: ['run the command by hand to see why'],
        }),
      )
    })
  })
}

/** The file store's passphrase is a secret no configured command has a use for. */
const withheld = new Set(['AWS_VAULT_FILE_PASSPHRASE'])

export function commandEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && !withheld.has(entry[0])),
  )
}
