import * as Flags from '@oclif/core/flags'

import {VaultCommand} from '../lib/base-command.ts'
import {VaultError} from '../lib/errors.ts'

export default class ProxyCommand extends VaultCommand<typeof ProxyCommand> {
  static override summary = 'Serve the EC2 metadata address 169.254.169.254:80 from `vault exec --ec2-server` (as root)'
  static override description =
    'For programs that ignore AWS_EC2_METADATA_SERVICE_ENDPOINT: adds 169.254.169.254 to the loopback interface, listens on port 80 and forwards to the EC2 metadata server, refusing requests from other machines and foreign Host names. Runs until interrupted or `vault proxy --stop`.'

  static override flags = {
    stop: Flags.boolean({default: false, description: 'Stop the running proxy'}),
    to: Flags.string({default: '127.0.0.1:9099', description: 'Address of the EC2 metadata server to forward to'}),
  }

  static override examples = ['sudo <%= config.bin %> proxy', '<%= config.bin %> proxy --stop']

  protected async execute(): Promise<void> {
    if (this.flags.stop) {
      const {stopMetadataProxy} = await import('../lib/server/metadata-proxy.ts')
      if (!(await stopMetadataProxy())) {
        throw new VaultError('SERVER_FAILED', 'no metadata proxy answers on 169.254.169.254:80', {
          suggestions: ['nothing to stop; start one with sudo vault proxy'],
        })
      }
      return
    }
    const {parseListenAddress} = await import('../lib/server/listen.ts')
    const {runMetadataProxy} = await import('../lib/server/run-proxy.ts')
    await runMetadataProxy({
      log: this.debugLog,
      notice: (message) => process.stderr.write(`vault: ${message}\n`),
      target: parseListenAddress(this.flags.to),
    })
  }
}
