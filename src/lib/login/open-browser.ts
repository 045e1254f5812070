/**
 * Opens a URL in the user's browser: the commands of BROWSER first (the convention many
 * Unix tools follow: a `:`-separated list, `%s` standing for the URL, else the URL appended),
 * then the platform's opener (xdg-open, open, start) through the `open` package.
 */
import {spawn} from 'node:child_process'

type Env = Readonly<Record<string, string | undefined>>

export interface OpenResult {
  opened: boolean
  /** What was tried and why it did not work, for the notice printed with the URL. */
  problem?: string
}

/** How long a platform opener may take to fail before we take its silence as success. */
const OPENER_GRACE_MS = 2000

/** The argv of each BROWSER entry for this URL; entries that are blank are skipped. */
export function browserCommands(browserVariable: string, url: string): string[][] {
  return browserVariable
    .split(':')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const words = entry.split(/\s+/)
      const substituted = words.some((word) => word.includes('%s'))
      const argv = words.map((word) => word.replaceAll('%s', url).replaceAll('%%', '%'))
      return substituted ? argv : [...argv, url]
    })
}

/** Runs one BROWSER command to its end: a terminal browser owns the terminal meanwhile. */
function runBrowser(argv: string[], url: string, env: Env): Promise<string | undefined> {
  return new Promise((resolve) => {
    const [command, ...args] = argv
    const label = command!.replaceAll(url, '<url>')
    const child = spawn(command!, args, {env: env as NodeJS.ProcessEnv, stdio: ['inherit', 'ignore', 'inherit']})
    child.once('error', (error: NodeJS.ErrnoException) => resolve(`${label}: ${error.code ?? error.message}`))
    child.once('exit', (code, signal) => resolve(code === 0 ? undefined : `${label} exited with ${signal ?? `code ${code}`}`))
  })
}

async function runPlatformOpener(url: string): Promise<string | undefined> {
  const {default: open} = await import('open')
  let child
  try {
    child = await open(url)
  } catch (error) {
    return `the system's opener failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`
  }
  // Launchers hand the URL over and exit at once; an early non-zero exit means no browser.
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), OPENER_GRACE_MS)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(code === 0 || code === null ? undefined : `the system's opener (${child.spawnfile}) exited with code ${code}`)
    })
  })
}

export async function openInBrowser(url: string, env: Env): Promise<OpenResult> {
  const problems: string[] = []
  if (env.BROWSER?.trim()) {
    for (const argv of browserCommands(env.BROWSER, url)) {
      const problem = await runBrowser(argv, url, env)
      if (problem === undefined) return {opened: true}
      problems.push(problem)
    }
    return {opened: false, problem: problems.join('; ')}
  }
  const problem = await runPlatformOpener(url)
  return problem === undefined ? {opened: true} : {opened: false, problem}
}
