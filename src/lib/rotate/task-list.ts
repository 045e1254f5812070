/**
 * The rotation as a visible task list (listr2) on stderr: live on a terminal, one plain line per
 * event otherwise, nothing with --json. An MFA prompt pauses the live list so the prompt owns
 * the terminal while it asks.
 */
import {DefaultRenderer, Listr, ListrLogger, ProcessOutput, type ListrTask} from 'listr2'

import type {Rotation, RotationResult} from './rotation.ts'

export type TaskListMode = 'live' | 'plain' | 'silent'

/** Lets the MFA prompt stop the live list while it asks, and start it again after. */
export class TerminalPause {
  private renderer?: PausableRenderer

  attach(renderer: PausableRenderer): void {
    this.renderer = renderer
  }

  async around<T>(work: () => Promise<T>): Promise<T> {
    const renderer = this.renderer
    renderer?.pause()
    try {
      return await work()
    } finally {
      renderer?.resume()
    }
  }
}

/** The parts of listr2's live renderer that pausing touches; checked, so a listr2 change degrades to no pause. */
interface RendererInternals {
  spinner?: {start(callback: () => void): void; stop(): void}
  updater?: {clear(): void}
  logger?: {process?: {hijack(): void; release(): void}}
  update(): void
}

export class PausableRenderer extends DefaultRenderer {
  static override nonTTY = true
  private paused = false

  constructor(...args: ConstructorParameters<typeof DefaultRenderer>) {
    super(...args)
    ;(args[1] as {pause?: TerminalPause}).pause?.attach(this)
  }

  pause(): void {
    const self = this as unknown as RendererInternals
    if (this.paused || !self.spinner || !self.updater || !self.logger?.process) return
    self.spinner.stop()
    self.updater.clear()
    self.logger.process.release()
    this.paused = true
  }

  resume(): void {
    if (!this.paused) return
    const self = this as unknown as RendererInternals
    this.paused = false
    self.logger!.process!.hijack()
    self.spinner!.start(() => self.update())
  }
}

export interface TaskListOptions {
  mode: TaskListMode
  pause?: TerminalPause
}

export async function runRotationTasks(rotation: Rotation, options: TaskListOptions): Promise<RotationResult> {
  const {profileName, storedProfile} = rotation.settings
  const source = storedProfile === profileName ? `profile ${profileName}` : `profile ${storedProfile}, the source of ${profileName}`
  const tasks: ListrTask[] = [
    {
      task: async (_ctx, task) => {
        task.title = `Found the stored key ${await rotation.findStoredKey()} (${source})`
      },
      title: 'Find the stored key',
    },
    {
      task: async (_ctx, task) => {
        task.title = `Got credentials: ${await rotation.getCredentials()}`
      },
      title: 'Get credentials',
    },
    {
      task: async (_ctx, task) => {
        task.title = `Created a new access key ${await rotation.createKey()}`
      },
      title: 'Create a new access key',
    },
    {
      task: async (_ctx, task) => {
        const attempts = await rotation.waitForNewKey((attempt) => {
          task.title = `Wait until the new key works (try ${attempt + 1})`
        })
        task.title = `The new key works${attempts > 1 ? ` (after ${attempts} tries)` : ''}`
      },
      title: 'Wait until the new key works',
    },
    {
      task: async (_ctx, task) => {
        await rotation.storeNewKey()
        task.title = 'Stored the new key'
      },
      title: 'Store the new key',
    },
    {
      task: async (_ctx, task) => {
        try {
          const cleared = await rotation.clearSessions()
          task.title = `Cleared ${cleared} session${cleared === 1 ? '' : 's'} made with the old key`
        } catch (error) {
          task.skip(
            `Could not clear the sessions made with the old key (${error instanceof Error ? error.message : String(error)}); they expire on their own`,
          )
        }
      },
      title: 'Clear sessions made with the old key',
    },
    {
      task: async (_ctx, task) => {
        task.title = `Deleted the old key ${await rotation.deleteOldKey((attempt) => {
          task.title = `Delete the old key (try ${attempt + 1})`
        })}`
      },
      title: 'Delete the old key',
    },
  ]

  // The error is printed once, by the command, below the list: the failed task only points at it.
  let failure: unknown
  for (const entry of tasks) {
    const run = entry.task
    entry.task = async (ctx, task) => {
      try {
        return await run(ctx, task)
      } catch (error) {
        failure = error
        throw new Error('see below')
      }
    }
  }

  // stderr is where the list goes (stdout stays data only); both streams are held back while it draws.
  const logger = new ListrLogger({processOutput: new ProcessOutput(process.stderr, process.stdout), toStderr: []})
  const list = new Listr(tasks, {
    concurrent: false,
    exitOnError: true,
    fallbackRenderer: 'simple',
    fallbackRendererCondition: options.mode === 'plain',
    fallbackRendererOptions: {logger},
    registerSignalListeners: false,
    renderer: PausableRenderer,
    rendererOptions: {collapseErrors: false, logger, pause: options.pause, showErrorMessage: false} as ConstructorParameters<
      typeof DefaultRenderer
    >[1],
    silentRendererCondition: options.mode === 'silent',
  })

  // Ctrl-C before the new key is stored deletes it again; after, the rotation finishes.
  const onInterrupt = () => {
    if (rotation.interrupt()) process.exit(130)
    process.stderr.write('\nvault: stopping safely: a new key not yet stored is deleted again\n')
  }
  process.on('SIGINT', onInterrupt)
  try {
    await list.run()
  } catch (error) {
    throw failure ?? error
  } finally {
    process.off('SIGINT', onInterrupt)
  }
  return rotation.result()
}
