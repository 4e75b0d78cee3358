import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo, Server } from 'node:net'

/** Sends one request to a server: `path` is relative to it. */
export type Send = (path: string, init?: RequestInit) => Promise<Response>

export interface Listening {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string
  /** `freshFetch` of `url + path`. */
  send: Send
  /** Stops the server; rejects if it was not running. */
  close: () => Promise<void>
}

/**
 * `fetch` that does not follow redirects and asks for a fresh connection (`Connection: close`,
 * unless `init` names one): a kept-alive socket the server is closing races the next request on a
 * busy machine and fails it with ECONNRESET, which says nothing about the code under test.
 */
export function freshFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  if (!headers.has('connection')) headers.set('connection', 'close')
  return fetch(url, { redirect: 'manual', ...init, headers })
}

/** What `http.createServer` calls for each request (it ignores what the function returns). */
type Handler = (request: IncomingMessage, response: ServerResponse) => unknown

/**
 * Starts a Node HTTP server on a free port of 127.0.0.1: a request listener (an Express app, Koa's
 * `app.callback()`) or a server not yet listening (`@hono/node-server`'s `createAdaptorServer`).
 */
export async function listen(target: Handler | Server): Promise<Listening> {
  const server = typeof target === 'function' ? createServer(target) : target
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    send: (path, init) => freshFetch(url + path, init),
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  }
}
