import type {Availability, BackendContext} from '@vault-aws/cli/plugin-api'

import {inspectStore} from './store.ts'

export async function passAvailability(ctx: BackendContext): Promise<Availability> {
  const store = await inspectStore(ctx)
  if (store instanceof Error) return {available: false, reason: store.message}
  const where = store.folder === '' ? store.dir : `${store.dir} (prefix ${store.folder})`
  return {available: true, reason: `initialised password store at ${where}`}
}
