import {execFile} from 'node:child_process'

import {VaultError} from '../errors.ts'

export interface AliasCommands {
  add: [string, ...string[]]
  remove: [string, ...string[]]
}

/** How aws-vault puts the metadata address on the loopback interface, per system. */
export function aliasCommands(ip: string, platform: NodeJS.Platform = process.platform): AliasCommands {
  switch (platform) {
    case 'linux':
      return {
        add: ['ip', 'addr', 'add', `${ip}/24`, 'dev', 'lo', 'label', 'lo:0'],
        remove: ['ip', 'addr', 'del', `${ip}/24`, 'dev', 'lo', 'label', 'lo:0'],
      }
    case 'darwin':
    case 'freebsd':
    case 'openbsd':
      return {add: ['ifconfig', 'lo0', 'alias', ip], remove: ['ifconfig', 'lo0', '-alias', ip]}
    default:
      throw new VaultError('SERVER_FAILED', `the metadata proxy is not supported on ${platform}`, {
        suggestions: ['use vault exec --ecs-server, or --ec2-server whose address the SDKs read from AWS_EC2_METADATA_SERVICE_ENDPOINT'],
      })
  }
}

function run([command, ...args]: string[]): Promise<{ok: boolean; output: string}> {
  return new Promise((resolve) => {
    execFile(command!, args, {timeout: 10_000}, (error, stdout, stderr) => {
      resolve({ok: !error, output: `${stdout}${stderr}`.trim() || (error?.message ?? '')})
    })
  })
}

/**
 * Adds the alias; resolves false when it was there already (someone else's, left in place
 * when the proxy stops), true when this call added it.
 */
export async function addLoopbackAlias(commands: AliasCommands): Promise<boolean> {
  const result = await run(commands.add)
  if (result.ok) return true
  if (/exists|already assigned/i.test(result.output)) return false
  throw new VaultError('SERVER_FAILED', `cannot add the metadata address to the loopback interface: ${result.output}`, {
    suggestions: [`try it by hand: ${commands.add.join(' ')}`],
  })
}

export async function removeLoopbackAlias(commands: AliasCommands): Promise<void> {
  const result = await run(commands.remove)
  if (!result.ok) throw new VaultError('SERVER_FAILED', `cannot remove the metadata address from the loopback interface: ${result.output}`)
}
