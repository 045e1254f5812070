// HTTP as bytes on a socket: requests no well-behaved client would send, and the response read
// back just far enough to know the status, with a deadline so a server that never answers shows.
import {connect, type Socket} from 'node:net'

export interface RawResponse {
  /** Undefined when the server closed without a status line. */
  status: number | undefined
  headers: string
  body: string
}

/**
 * Sends `request` and resolves with the response (or the server closing), or rejects when
 * neither happens within `deadlineMs`. `end` half-closes after the request: the server then
 * knows nothing more is coming.
 */
export function rawRequest(port: number, request: Buffer | string, deadlineMs = 10_000, end = false): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({host: '127.0.0.1', port})
    const isHead = Buffer.from(request).subarray(0, 5).toString('latin1') === 'HEAD '
    let received = Buffer.alloc(0)
    let settled = false
    const finish = (error?: Error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (error) reject(error)
      else resolve(parse(received))
    }
    const timer = setTimeout(() => finish(new Error(`no complete response within ${deadlineMs} ms`)), deadlineMs)
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (isComplete(received, isHead)) finish()
    })
    // A reset after the response (the server closing on a request it refused) is fine.
    socket.on('error', () => finish())
    socket.on('close', () => finish())
    if (end) socket.end(request)
    else socket.write(request)
  })
}

// Complete once the headers and Content-Length bytes are in (headers alone for HEAD, which has
// no body); a response without a length ends when the server closes the connection.
function isComplete(data: Buffer, head: boolean): boolean {
  const end = data.indexOf('\r\n\r\n')
  if (end === -1) return false
  if (head) return true
  const length = /^content-length:\s*(\d+)\s*$/im.exec(data.subarray(0, end).toString('latin1'))
  return length !== null && data.length - end - 4 >= Number(length[1])
}

function parse(data: Buffer): RawResponse {
  const text = data.toString('latin1')
  const end = text.indexOf('\r\n\r\n')
  const head = end === -1 ? text : text.slice(0, end)
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)
  return {body: end === -1 ? '' : text.slice(end + 4), headers: head, status: status ? Number(status[1]) : undefined}
}

/** A client that sends its request one byte at a time and never finishes: a slowloris. */
export function slowClient(
  port: number,
  request: string,
  intervalMs: number,
): {socket: Socket; closedByServer: Promise<void>; stop(): void} {
  const socket = connect({host: '127.0.0.1', port})
  let index = 0
  const timer = setInterval(() => {
    if (index < request.length - 1) socket.write(request[index++]!)
  }, intervalMs)
  const closedByServer = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => undefined)
  return {
    closedByServer,
    socket,
    stop() {
      clearInterval(timer)
      socket.destroy()
    },
  }
}
