// SIGKILL at random moments: vault (with its helpers: one process group) killed while it adds
// keys or writes sessions, the store read back after every kill, without vault.
import {createHash} from 'node:crypto'
import {readFileSync, statSync, watch} from 'node:fs'
import {relative} from 'node:path'

import type {Emulator} from '../../helpers/emulator.ts'
import {listFiles, type ReadOutcome, type StoredValue} from './stores.ts'
import {registerSecret} from './transcript.ts'
import type {World} from './world.ts'

export interface CrashStore {
  /** The directory whose files are the items. */
  dir: string
  /** The item key a file (relative to `dir`) holds, or undefined for a file that is no item (a temp file). */
  keyOf(file: string): string | undefined
  /** Decodes these items, without vault. */
  read(keys: string[]): Promise<ReadOutcome>
}

export interface CrashCounts {
  /** Runs the SIGKILL interrupted. */
  kills: number
  /** Runs that were over before their kill came (not counted as kills). */
  finished: number
  addKilledOld: number
  addKilledNew: number
  execKilledWithoutSession: number
  execKilledWithSession: number
  /** Temporary files a killed writer left (readable by no one else). */
  strayTempFiles: number
  /** Items read back and checked after the kills. */
  itemsChecked: number
}

/** The users a crash world needs in the emulator: pat has two keys to alternate between. */
export const crashSeed = {users: [{accessKeys: 2, name: 'pat'}, {name: 'quinn'}]}

// Every cached session is too old to reuse, so every exec calls STS and writes a session.
const ALWAYS_RENEW = {AWS_MIN_TTL: '100h'}

type Operation = 'add' | 'exec'

/**
 * Kills `kills` runs of `vault add pat` (alternating between pat's two keys) and `vault exec
 * pat|quinn --json`; after each, every item that changed must decode, pat's keys must be the
 * old or the new ones, quinn's and the bystander rex's must be untouched. Throws at the first
 * corrupt or missing item.
 */
export async function killRepeatedly(world: World, aws: Emulator, store: CrashStore, kills: number): Promise<CrashCounts> {
  const keys = [aws.credentials('pat', 0), aws.credentials('pat', 1)]
  for (const key of [...keys, aws.credentials('quinn')]) registerSecret('long-term secret key', key.secretAccessKey)
  const addPat = (index: number) => ({
    args: ['add', 'pat', '--env', '--no-add-config'],
    env: {AWS_ACCESS_KEY_ID: keys[index]!.accessKeyId, AWS_SECRET_ACCESS_KEY: keys[index]!.secretAccessKey},
  })

  await world.ok(addPat(0).args, {env: addPat(0).env})
  await world.addKey('quinn', aws.credentials('quinn').accessKeyId, aws.credentials('quinn').secretAccessKey)
  await world.addKey('rex')
  // How long each operation takes when nothing kills it: kills land anywhere in that span.
  const durations: Record<Operation, number> = {add: await timed(() => world.ok(addPat(0).args, {env: addPat(0).env})), exec: 0}
  durations.exec = await timed(() => world.ok(['exec', 'quinn', '--json'], {credentialsOnStdout: true, env: ALWAYS_RENEW}))

  let hashes = hashItems(store)
  const untouched = new Map(['quinn', 'rex'].map((key) => [key, hashes.get(key)]))
  let patKey = keys[0]!.accessKeyId
  let patIndex = 0
  const counts: CrashCounts = {
    addKilledNew: 0,
    addKilledOld: 0,
    execKilledWithSession: 0,
    execKilledWithoutSession: 0,
    finished: 0,
    itemsChecked: 0,
    kills: 0,
    strayTempFiles: 0,
  }

  for (let run = 0; counts.kills < kills; run++) {
    if (run > kills * 4) throw new Error(`only ${counts.kills} of ${run} runs were killed before they finished`)
    const operation: Operation = Math.random() < 0.5 ? 'add' : 'exec'
    const nextIndex = 1 - patIndex
    const profile = Math.random() < 0.5 ? 'pat' : 'quinn'
    const {args, env} = operation === 'add' ? addPat(nextIndex) : {args: ['exec', profile, '--json'], env: ALWAYS_RENEW}

    // Half the kills come at any moment of the run; half just after the store directory first
    // changes, so that many land inside a write rather than in start-up.
    const onWrite = Math.random() < 0.5
    const {child, done} = world.spawn(args, {credentialsOnStdout: true, env})
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    const delay = onWrite ? Math.random() * 25 : Math.random() * durations[operation]
    let timer = onWrite ? setTimeout(kill, durations[operation] * 2) : setTimeout(kill, delay)
    const watcher = onWrite
      ? watch(store.dir, {recursive: true}, () => {
          watcher?.close()
          clearTimeout(timer)
          timer = setTimeout(kill, delay)
        })
      : undefined
    const result = await done
    watcher?.close()
    clearTimeout(timer)
    // Whatever it left running in its group goes too (a killed pass may have orphaned gpg).
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // nothing left
    }
    const killed = result.signal === 'SIGKILL'
    if (!killed && result.code !== 0) throw new Error(`vault ${args.join(' ')} failed on its own: ${result.stderr}`)

    const after = hashItems(store)
    const changed = [...after].filter(([key, hash]) => hashes.get(key) !== hash).map(([key]) => key)
    const outcome = await store.read(changed)
    counts.itemsChecked += changed.length
    if (outcome.corrupt.size > 0) {
      throw new Error(
        `after a kill of vault ${args.join(' ')} ${Math.round(delay)} ms in: corrupt items ${JSON.stringify([...outcome.corrupt])}`,
      )
    }
    for (const key of ['pat', 'quinn', 'rex'])
      if (!after.has(key)) throw new Error(`after a kill of vault ${args.join(' ')}: the keys of ${key} are missing`)
    for (const [key, hash] of untouched) if (after.get(key) !== hash) throw new Error(`vault ${args.join(' ')} changed the keys of ${key}`)
    for (const [key, value] of outcome.items) checkValue(key, value)

    const patNow = outcome.items.get('pat')?.AccessKeyID ?? patKey
    if (patNow !== keys[0]!.accessKeyId && patNow !== keys[1]!.accessKeyId)
      throw new Error(`the keys of pat are neither old nor new: ${patNow}`)
    if (operation === 'add' && patNow !== patKey && patNow !== keys[nextIndex]!.accessKeyId) throw new Error('the keys of pat went back')
    const patChanged = patNow !== patKey
    patKey = patNow
    patIndex = patKey === keys[0]!.accessKeyId ? 0 : 1

    if (killed) {
      counts.kills++
      if (operation === 'add') {
        if (patChanged) counts.addKilledNew++
        else counts.addKilledOld++
      } else if (changed.some((key) => key.includes(','))) {
        counts.execKilledWithSession++
      } else {
        counts.execKilledWithoutSession++
      }
    } else {
      counts.finished++
    }
    hashes = after
  }
  const strays = listFiles(store.dir).filter((file) => store.keyOf(relative(store.dir, file)) === undefined)
  const readable = strays.filter((file) => (statSync(file).mode & 0o077) !== 0)
  if (readable.length > 0) throw new Error(`killed writers left files others can read: ${readable.join(', ')}`)
  counts.strayTempFiles = strays.length
  return counts
}

// Long-term keys are Go's aws.Credentials (AccessKeyID), sessions sts.Credentials (AccessKeyId).
function checkValue(key: string, value: StoredValue): void {
  const session = key.includes(',')
  const id = session ? value.AccessKeyId : value.AccessKeyID
  if (typeof id !== 'string' || typeof value.SecretAccessKey !== 'string') throw new Error(`item ${key} holds no keys`)
  if (session && !value.SessionToken) throw new Error(`session ${key} holds no session token`)
}

/** Item key → hash of its file. */
function hashItems(store: CrashStore): Map<string, string> {
  const hashes = new Map<string, string>()
  for (const file of listFiles(store.dir)) {
    const key = store.keyOf(relative(store.dir, file))
    if (key === undefined) continue
    try {
      hashes.set(key, createHash('sha256').update(readFileSync(file)).digest('hex'))
    } catch {
      // removed between listing and reading
    }
  }
  return hashes
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = Date.now()
  await work()
  return Date.now() - started
}
