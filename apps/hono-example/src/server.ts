import type { Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import { type RunningServer, type StartServerOptions, startSite } from '@cookietin/site'
import { createApp } from './app.ts'

export type { RunningServer, StartServerOptions } from '@cookietin/site'

/** Starts the Hono example on Node; rejects (refuses to start) on a bad configuration. */
export function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  return startSite(options, async (config) => {
    const app = await createApp(config)
    return createAdaptorServer({ fetch: app.fetch }) as Server
  })
}
