import { createServer } from 'node:http'
import { type Env, type RunningServer, listen, loadConfig } from '@cookietin/site'
import { createApp } from './app.ts'

export type { RunningServer } from '@cookietin/site'

export interface StartServerOptions {
  /** Environment to configure from (DESIGN §5). @default process.env */
  env?: Env
  /** @default PORT from `env`, else 0 (a free port) */
  port?: number
  /** @default HOST from `env`, else 127.0.0.1 */
  host?: string
}

/**
 * Starts the Express example and resolves once it is listening. Throws (the app refuses to start) when
 * the configuration is bad, with a message naming the variable.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const config = loadConfig(options.env ?? process.env)
  const app = await createApp(config)
  return listen(createServer(app), {
    port: options.port ?? config.port ?? 0,
    host: options.host ?? config.host,
  })
}
