/** Listening and closing a Node HTTP server the same way in every app. */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RunningServer {
  /** `http://127.0.0.1:3001`, with the port actually bound (useful with port 0). */
  url: string
  port: number
  /** Stops accepting connections, ends idle keep-alive ones and resolves once the server is closed. */
  close(): Promise<void>
}

/** Starts `server` on `host:port` (0 picks a free port) and resolves once it is listening. */
export function listen(
  server: Server,
  { port, host }: { port: number; host: string },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      const bound = (server.address() as AddressInfo).port
      const shownHost = host.includes(':') ? `[${host}]` : host
      let closing: Promise<void> | undefined
      resolve({
        url: `http://${shownHost}:${bound}`,
        port: bound,
        close() {
          closing ??= new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()))
            server.closeIdleConnections()
            // Requests still in flight get a moment to finish, then their connections are cut.
            setTimeout(() => server.closeAllConnections(), 1000).unref()
          })
          return closing
        },
      })
    })
  })
}
