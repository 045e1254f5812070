// A raw HTTP client for the server tests: any method, any Host header, nothing added.
import {request as httpRequest, type IncomingHttpHeaders} from 'node:http'

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export function call(
  port: number,
  options: {method?: string; path?: string; headers?: Record<string, string>; host?: string} = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      {
        agent: false,
        headers: options.headers ?? {},
        host: options.host ?? '127.0.0.1',
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        port,
      },
      (answer) => {
        let body = ''
        answer.setEncoding('utf8')
        answer.on('data', (chunk: string) => (body += chunk))
        answer.on('end', () => resolve({body, headers: answer.headers, status: answer.statusCode ?? 0}))
      },
    )
    sent.on('error', reject)
    sent.end()
  })
}
