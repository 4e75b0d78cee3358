import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo, Server } from 'node:net'

export interface Running {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  close: () => Promise<void>
}

type Handler = (request: IncomingMessage, response: ServerResponse) => unknown

/**
 * Starts a server on 127.0.0.1, on `port` or a free one. The browser test starts the cookietin app
 * on the port the old app had: the same site, switched to another library.
 */
export async function listenOn(target: Handler | Server, port = 0): Promise<Running> {
  const server = typeof target === 'function' ? createServer(target) : target
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // Kept-alive browser connections would hold the port the next server needs.
        if ('closeAllConnections' in server) server.closeAllConnections()
      }),
  }
}

/** What every app here answers on `GET /`: who is logged in. */
export const page = (user: unknown) => `user: ${typeof user === 'string' ? user : 'none'}`
