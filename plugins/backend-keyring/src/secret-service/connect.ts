import type {BackendContext} from '@vault-aws/cli/plugin-api'

import {sessionBusLocation} from '../dbus/address.ts'
import {DBusClient} from '../dbus/client.ts'
import {keyringError} from '../errors.ts'
import {translate} from './errors.ts'
import {SecretService} from './service.ts'

export const CONNECT_TIMEOUT_MS = 5000

/** A Secret Service client on the session bus `ctx.env` points at; BACKEND_UNAVAILABLE without one. */
export async function connectSecretService(
  ctx: Pick<BackendContext, 'env' | 'shareUntilFailure' | 'beforeDialog'>,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<SecretService> {
  const location = sessionBusLocation(ctx.env)
  if ('reason' in location) throw keyringError('BACKEND_UNAVAILABLE', location.reason)
  try {
    return new SecretService(await DBusClient.connect(location.address, timeoutMs, ctx.env), ctx)
  } catch (error) {
    throw translate(error, 'connecting to the session bus')
  }
}
