import type {Availability, BackendContext} from '@vault-aws/cli/plugin-api'

import {collectionName, hasDisplay, keychainName} from './settings.ts'

// `vault backends` and the default choice wait for this at most, per step.
export const PROBE_TIMEOUT_MS = 3000

/** Whether the OS keyring can be reached now, and why not. Never prompts. */
export async function keyringAvailability(ctx: BackendContext, platform: NodeJS.Platform = process.platform): Promise<Availability> {
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') return secretServiceAvailability(ctx)
  if (platform === 'darwin' || platform === 'win32') return nativeAvailability(ctx, platform)
  return {available: false, reason: `no OS keyring support on ${platform}`}
}

export async function secretServiceAvailability(ctx: BackendContext): Promise<Availability> {
  const {env} = ctx
  const {sessionBusLocation} = await import('./dbus/address.ts')
  const location = sessionBusLocation(env)
  if ('reason' in location) return {available: false, reason: location.reason}
  const {connectSecretService} = await import('./secret-service/connect.ts')
  const {translate} = await import('./secret-service/errors.ts')
  const name = collectionName(env)
  let service
  try {
    service = await connectSecretService(ctx, PROBE_TIMEOUT_MS)
  } catch (error) {
    return {available: false, reason: (error as Error).message}
  }
  try {
    const collection = await service.findCollection(name, PROBE_TIMEOUT_MS)
    const display = hasDisplay(env)
    if (collection === undefined) {
      // Creating a collection makes the service ask for its password.
      if (!display)
        return {
          available: false,
          reason: `the Secret Service has no collection ${JSON.stringify(name)} and there is no display to create it on`,
        }
      return {available: true, reason: `Secret Service reachable; collection ${JSON.stringify(name)} is created on the first write`}
    }
    if (await service.isLocked(collection, 'collection', PROBE_TIMEOUT_MS)) {
      if (!display)
        return {
          available: false,
          reason: `the Secret Service collection ${JSON.stringify(name)} is locked and there is no display to unlock it on`,
        }
      return {available: true, reason: `Secret Service collection ${JSON.stringify(name)} (locked: its password will be asked for)`}
    }
    return {available: true, reason: `Secret Service collection ${JSON.stringify(name)}`}
  } catch (error) {
    return {available: false, reason: translate(error, 'probing the Secret Service').message}
  } finally {
    service.close()
  }
}

async function nativeAvailability(ctx: BackendContext, platform: 'darwin' | 'win32'): Promise<Availability> {
  const where = platform === 'darwin' ? `macOS keychain service ${JSON.stringify(keychainName(ctx.env))}` : 'Windows Credential Manager'
  try {
    const {AsyncEntry} = await import('@napi-rs/keyring')
    // Reading a name that is never written answers null when the store works, without a prompt.
    await new AsyncEntry(`${keychainName(ctx.env)}.vault-probe`, 'probe').getSecret()
    return {available: true, reason: where}
  } catch (error) {
    return {available: false, reason: `${where} cannot be reached: ${error instanceof Error ? error.message : String(error)}`}
  }
}
