import {connect, createServer, type Server, type Socket} from 'node:net'

export function lockTimeout(): Error {
  return Object.assign(new Error('timed out waiting for a lock'), {code: 'LOCK_TIMEOUT'})
}

/** Listens on the abstract socket `\0<name>`; false when another process already does. */
function listen(server: Server, address: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      if (error.code === 'EADDRINUSE') resolve(false)
      else reject(error)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve(true)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(address)
  })
}

/** Resolves when the holder lets go or dies (its end of the connection closes), or at the deadline. */
function waitForHolder(address: string, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(address)
    const timer = setTimeout(
      () => {
        socket.destroy()
        reject(lockTimeout())
      },
      Math.max(0, deadline - Date.now()),
    )
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve()
    }
    // A refused connection means the holder went away between our listen and connect.
    socket.on('error', done)
    socket.on('close', done)
    socket.on('data', () => {})
  })
}

/** The kernel frees an abstract socket name when its process ends, so no lock outlives its holder. */
export async function acquireSocketLock(name: string, deadline: number, onWait: () => void): Promise<() => Promise<void>> {
  const address = `\0${name}`
  for (;;) {
    const waiters = new Set<Socket>()
    const server = createServer((socket) => {
      waiters.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => waiters.delete(socket))
    })
    if (await listen(server, address)) {
      // A lock held by a process that forgot to release it must not keep the process alive.
      server.unref()
      return async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          for (const socket of waiters) socket.destroy()
        })
      }
    }
    if (Date.now() >= deadline) throw lockTimeout()
    onWait()
    await waitForHolder(address, deadline)
  }
}
