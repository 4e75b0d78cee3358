import { createServer } from 'node:http'
import { type RunningServer, type StartServerOptions, startSite } from '@cookietin/site'
import { createApp } from './app.ts'

export type { RunningServer, StartServerOptions } from '@cookietin/site'

/** Starts the Express example; rejects (refuses to start) on a bad configuration. */
export function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  return startSite(options, async (config) => createServer(await createApp(config)))
}
