import { type RunningServer, type StartServerOptions, startSite } from '@cookietin/site'
import { createApp } from './app.ts'

export type { RunningServer, StartServerOptions } from '@cookietin/site'

/** Starts the Fastify example; rejects (refuses to start) on a bad configuration. */
export function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  return startSite(options, async (config) => {
    const app = await createApp(config)
    await app.ready()
    // The site's `listen` owns listening and closing, as for the other apps: Fastify's server is
    // a plain Node HTTP server.
    return app.server
  })
}
