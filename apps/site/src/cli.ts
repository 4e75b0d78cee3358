/** The command-line entry of every app: start, print the URL, stop cleanly on SIGINT/SIGTERM. */
import type { Env } from './config.ts'
import type { RunningServer } from './listen.ts'

export interface MainOptions {
  /** `express`, `hono` or `koa`: printed as `<name> example listening on <url>`. */
  name: string
  /** Used when `PORT` is not set. */
  defaultPort: number
  startServer: (options: { env: Env }) => Promise<RunningServer>
}

/**
 * Starts the app from `process.env` (`PORT` defaulting to `defaultPort`, `HOST` to 127.0.0.1).
 * A configuration error is printed to stderr and exits with status 1.
 */
export async function runMain({ name, defaultPort, startServer }: MainOptions): Promise<void> {
  let server: RunningServer
  try {
    server = await startServer({
      env: { ...process.env, PORT: process.env['PORT']?.trim() || String(defaultPort) },
    })
  } catch (error) {
    console.error(`${name} example: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
  console.log(`${name} example listening on ${server.url}`)
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
