// moto's server as a second, independent AWS stand-in: `const moto = await startMoto()`, then `moto.url`, `await moto.stop()`.
// Python moto 5 with its server extra (`pip install 'moto[server]'`); it answers STS and IAM without checking signatures.
import {spawn, type ChildProcess} from 'node:child_process'
import {createServer} from 'node:net'
import {setTimeout as delay} from 'node:timers/promises'
import {patient} from './patience.ts'

export interface Moto {
  url: string
  // Forgets every resource created so far
  reset(): Promise<void>
  stop(): Promise<void>
}

const freePort = async (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()))

// The machine's AWS settings stay out of moto's environment.
const scrubbedEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')))

export const startMoto = async (options: {timeoutMs?: number} = {}): Promise<Moto> => {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: scrubbedEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited(child)
  }

  const deadline = Date.now() + patient(options.timeoutMs ?? 20_000)
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`moto's server exited (${child.exitCode}); is it installed? (pip install 'moto[server]')\n${stderr}`)
    }
    const failure = await Promise.race([spawnError, delay(0).then(() => undefined)])
    if (failure) throw new Error(`could not start python3 for moto's server: ${failure.message}`)
    try {
      const response = await fetch(`${url}/moto-api/`)
      await response.body?.cancel()
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`moto's server did not answer on ${url}\n${stderr}`)
    }
    await delay(50)
  }

  return {
    url,
    reset: async () => {
      const response = await fetch(`${url}/moto-api/reset`, {method: 'POST'})
      await response.body?.cancel()
    },
    stop,
  }
}
