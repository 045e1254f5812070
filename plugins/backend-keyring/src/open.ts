import type {BackendContext, Keyring} from '@vault-aws/cli/plugin-api'

import {keyringError} from './errors.ts'
import {collectionName, keychainName} from './settings.ts'

/** The OS keyring of this platform, laid out where aws-vault keeps its items. */
export async function openKeyring(ctx: BackendContext, platform: NodeJS.Platform = process.platform): Promise<Keyring> {
  if (platform === 'darwin' || platform === 'win32') {
    const {NativeKeyring} = await import('./native/keyring.ts')
    const {keychainLocation, wincredLocation} = await import('./native/locations.ts')
    const location = platform === 'darwin' ? await keychainLocation(keychainName(ctx.env)) : await wincredLocation()
    return new NativeKeyring(location)
  }
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    const {SecretServiceKeyring} = await import('./secret-service/keyring.ts')
    const {connectSecretService} = await import('./secret-service/connect.ts')
    const collection = collectionName(ctx.env)
    ctx.debug(`keyring: Secret Service collection ${JSON.stringify(collection)}`)
    return new SecretServiceKeyring({
      collection,
      connect: () => connectSecretService(ctx),
      items: ctx.items,
      shareUntilFailure: ctx.shareUntilFailure,
    })
  }
  throw keyringError('BACKEND_UNAVAILABLE', `no OS keyring support on ${platform}`)
}
