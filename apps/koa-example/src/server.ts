import { createServer } from 'node:http'
import { type RunningServer, type StartServerOptions, startSite } from '@cookietin/site'
import { createApp } from './app.ts'

export type { RunningServer, StartServerOptions } from '@cookietin/site'

/** Starts the Koa example; rejects (refuses to start) on a bad configuration. */
export function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  return startSite(options, async (config) => {
    const handle = (await createApp(config)).callback()
    return createServer((req, res) => void handle(req, res)) // Koa answers its own errors
  })
}
