/** Listening and closing a Node HTTP server the same way in every app. */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Env, type SiteConfig, loadConfig } from './config.ts'
import { closeStore } from './store.ts'

export interface RunningServer {
  /** `http://127.0.0.1:3001`, with the port actually bound (useful with port 0). */
  url: string
  port: number
  /**
   * Stops accepting connections, ends idle keep-alive ones and resolves once the server is closed.
   */
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

export interface StartServerOptions {
  /** Environment to configure from (docs/contract.md). @default process.env */
  env?: Env
  /** @default PORT from `env`, else 0 (a free port) */
  port?: number
  /** @default HOST from `env`, else 127.0.0.1 */
  host?: string
}

/**
 * Loads the configuration (throwing, so the app refuses to start, with a message naming the
 * variable), builds one framework's server from it and resolves once that server is listening.
 */
export async function startSite(
  options: StartServerOptions,
  createNodeServer: (config: SiteConfig) => Promise<Server>,
): Promise<RunningServer> {
  const config = loadConfig(options.env ?? process.env)
  let running: RunningServer
  try {
    running = await listen(await createNodeServer(config), {
      port: options.port ?? config.port ?? 0,
      host: options.host ?? config.host,
    })
  } catch (error) {
    await closeStore(config)
    throw error
  }
  // The store's connection (SESSION_STORE) closes with the server.
  return {
    ...running,
    close: async () => {
      await running.close()
      await closeStore(config)
    },
  }
}
