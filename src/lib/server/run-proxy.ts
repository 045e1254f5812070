import {VaultError} from '../errors.ts'
import type {Logger} from '../log.ts'
import {METADATA_IP} from './ec2-server.ts'
import {formatHostPort, type ListenAddress} from './listen.ts'
import {addLoopbackAlias, aliasCommands, removeLoopbackAlias} from './loopback-alias.ts'
import {metadataAddress, startMetadataProxy} from './metadata-proxy.ts'

export interface ProxyRun {
  /** The EC2 metadata server to forward to. */
  target: ListenAddress
  log: Logger
  /** Lines the user sees whatever the flags. */
  notice: Logger
}

/**
 * Puts the metadata address on the loopback interface, serves it until SIGINT, SIGTERM or a
 * local `/stop` request, then takes the address away again (unless it was there before).
 */
export async function runMetadataProxy(run: ProxyRun): Promise<void> {
  if (process.getuid && process.getuid() !== 0) {
    throw new VaultError(
      'SERVER_FAILED',
      `the metadata proxy needs root: it adds ${METADATA_IP} to the loopback interface and listens on port 80`,
      {
        suggestions: [
          'sudo vault proxy',
          'or let programs find the server through AWS_EC2_METADATA_SERVICE_ENDPOINT, which vault exec --ec2-server sets',
        ],
      },
    )
  }
  const commands = aliasCommands(METADATA_IP)
  const added = await addLoopbackAlias(commands)
  run.log(
    added
      ? `added ${METADATA_IP} to the loopback interface`
      : `${METADATA_IP} is already on the loopback interface: it stays when the proxy stops`,
  )
  try {
    let stop = () => {}
    const stopped = new Promise<string>((resolve) => {
      stop = () => resolve('asked to stop')
      process.once('SIGINT', () => resolve('interrupted'))
      process.once('SIGTERM', () => resolve('terminated'))
    })
    const proxy = await startMetadataProxy({log: run.log, onStop: () => stop(), target: run.target})
    run.notice(
      `metadata proxy on ${formatHostPort(metadataAddress)} for the EC2 metadata server on ${formatHostPort(run.target)}; stop it with Ctrl-C or vault proxy --stop`,
    )
    run.log(`metadata proxy stops: ${await stopped}`)
    await proxy.close()
  } finally {
    if (added) await removeLoopbackAlias(commands)
  }
}
