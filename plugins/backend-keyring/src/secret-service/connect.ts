import {sessionBusLocation} from '../dbus/address.ts'
import {DBusClient} from '../dbus/client.ts'
import {keyringError} from '../errors.ts'
import {translate} from './errors.ts'
import {SecretService} from './service.ts'

type Env = Readonly<Record<string, string | undefined>>

export const CONNECT_TIMEOUT_MS = 5000

/** A Secret Service client on the session bus `env` points at; BACKEND_UNAVAILABLE without one. */
export async function connectSecretService(env: Env, timeoutMs = CONNECT_TIMEOUT_MS): Promise<SecretService> {
  const location = sessionBusLocation(env)
  if ('reason' in location) throw keyringError('BACKEND_UNAVAILABLE', location.reason)
  try {
    return new SecretService(await DBusClient.connect(location.address, timeoutMs, env))
  } catch (error) {
    throw translate(error, 'connecting to the session bus')
  }
}
