import {setTimeout as sleep} from 'node:timers/promises'

import {lockTimeout} from './socket-lock.ts'

/** How long a holder may go without refreshing its lock before others take it over. */
const DEFAULT_STALE_MS = 10_000

/** A lock directory next to `path` (proper-lockfile), taken over when its holder stopped refreshing it. */
export async function acquireFileLock(
  path: string,
  deadline: number,
  onWait: () => void,
  staleMs = DEFAULT_STALE_MS,
): Promise<() => Promise<void>> {
  const {default: lockfile} = await import('proper-lockfile')
  for (;;) {
    try {
      return await lockfile.lock(path, {
        realpath: false,
        retries: 0,
        stale: staleMs,
        update: Math.max(1000, Math.floor(staleMs / 5)),
        // Losing the lock to a takeover only means another process may call STS too: not worth a crash.
        onCompromised: () => {},
      })
    } catch (error) {
      if ((error as {code?: unknown}).code !== 'ELOCKED') throw error
    }
    if (Date.now() >= deadline) throw lockTimeout()
    onWait()
    await sleep(25 + Math.floor(Math.random() * 75))
  }
}
