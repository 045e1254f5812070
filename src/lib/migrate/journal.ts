import {createHash, randomBytes} from 'node:crypto'
import {mkdir, readFile, unlink} from 'node:fs/promises'
import {dirname} from 'node:path'

import {writeFileAtomic} from '../config/atomic-write.ts'

/**
 * What a migration was in the middle of writing to its destination, kept on disk so a run
 * cut short (a crash, SIGKILL, a closed terminal) can tell its own half-finished copy from an
 * item someone else put there. Entries hold a salted digest of the data being written, never
 * the data; the file is 0600 in a 0700 directory and goes away once nothing is pending.
 */
export interface Journal {
  /** The digest recorded for `key` when a write of it began and never finished, if any. */
  pending(key: string): string | undefined
  digest(data: Uint8Array): string
  begin(key: string, digest: string): Promise<void>
  finish(key: string): Promise<void>
}

interface JournalFile {
  salt: string
  pending: Record<string, string>
}

export class FileJournal implements Journal {
  readonly path: string
  #state: JournalFile

  private constructor(path: string, state: JournalFile) {
    this.path = path
    this.#state = state
  }

  static async open(path: string): Promise<FileJournal> {
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw error
    })
    let state: JournalFile | undefined
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as Partial<JournalFile>
        if (typeof parsed.salt === 'string' && typeof parsed.pending === 'object' && parsed.pending !== null)
          state = {salt: parsed.salt, pending: {...parsed.pending}}
      } catch {
        // A journal cut off mid-write cannot be: it is replaced atomically. Anything else is not ours to trust.
      }
    }
    return new FileJournal(path, state ?? {salt: randomBytes(16).toString('hex'), pending: {}})
  }

  pending(key: string): string | undefined {
    return Object.hasOwn(this.#state.pending, key) ? this.#state.pending[key] : undefined
  }

  digest(data: Uint8Array): string {
    return createHash('sha256').update(this.#state.salt, 'utf8').update(data).digest('hex')
  }

  async begin(key: string, digest: string): Promise<void> {
    this.#state.pending[key] = digest
    await this.#save()
  }

  async finish(key: string): Promise<void> {
    if (!Object.hasOwn(this.#state.pending, key)) return
    delete this.#state.pending[key]
    await this.#save()
  }

  async #save(): Promise<void> {
    if (Object.keys(this.#state.pending).length === 0) {
      await unlink(this.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error
      })
      return
    }
    await mkdir(dirname(this.path), {recursive: true, mode: 0o700})
    await writeFileAtomic(this.path, JSON.stringify(this.#state), {mode: 0o600})
  }
}

/** A journal that keeps nothing: for dry runs and tests. */
export class MemoryJournal implements Journal {
  readonly entries = new Map<string, string>()
  readonly #salt = randomBytes(16)

  pending(key: string): string | undefined {
    return this.entries.get(key)
  }

  digest(data: Uint8Array): string {
    return createHash('sha256').update(this.#salt).update(data).digest('hex')
  }

  async begin(key: string, digest: string): Promise<void> {
    this.entries.set(key, digest)
  }

  async finish(key: string): Promise<void> {
    this.entries.delete(key)
  }
}

/** One journal per destination store: the backend id and the settings that say where its items live. */
export function journalName(destinationId: string, settings: readonly string[]): string {
  return `${createHash('sha256')
    .update(JSON.stringify([destinationId, ...settings]))
    .digest('hex')
    .slice(0, 32)}.json`
}
