/**
 * Serves the fetch handler with srvx, which picks the runtime's own server: node:http on Node,
 * Bun.serve on Bun, Deno.serve on Deno. So this file, and main.ts, run unchanged on all three.
 */
import {
  type RunningServer,
  type StartServerOptions,
  closeStore,
  loadConfig,
} from '@cookietin/site'
import { serve } from 'srvx'
import { createApp } from './app.ts'

export type { RunningServer, StartServerOptions } from '@cookietin/site'

/** Starts the fetch example; rejects (refuses to start) on a bad configuration. */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const config = loadConfig(options.env ?? process.env)
  let server: ReturnType<typeof serve>
  try {
    server = serve({
      fetch: await createApp(config),
      port: options.port ?? config.port ?? 0,
      hostname: options.host ?? config.host,
      silent: true,
    })
    await server.ready()
  } catch (error) {
    await closeStore(config)
    throw error
  }
  const url = new URL(server.url ?? '')
  let closing: Promise<void> | undefined
  return {
    url: url.origin,
    port: Number(url.port),
    // Stops listening and ends open connections, as the other apps' servers do; then the store's
    // connection (SESSION_STORE).
    close: () => (closing ??= Promise.resolve(server.close(true)).then(() => closeStore(config))),
  }
}
