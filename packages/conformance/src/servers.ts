import { SECRET_A } from './constants.ts'
import type { Env, RunningServer, SessionFormatName, StartServer } from './types.ts'

/** The environment of a format's shared server: secret A and the format, merged with `extra`. */
export function formatEnv(format: SessionFormatName, extra: Env = {}): Env {
  return { SESSION_SECRETS: SECRET_A, SESSION_FORMAT: format, ...extra }
}

/** Drops `undefined` entries: what an app sees as unset. */
export function cleanEnv(env: Env): Record<string, string> {
  const clean: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (value !== undefined) clean[key] = value
  return clean
}

/** Starts an app on an ephemeral port of 127.0.0.1. */
export function startOn(startServer: StartServer, env: Env): Promise<RunningServer> {
  return startServer({ env: cleanEnv(env), port: 0, host: '127.0.0.1' })
}

/** One server per distinct environment, started on first use and closed together. */
export class ServerPool {
  readonly #startServer: StartServer
  readonly #servers = new Map<string, Promise<RunningServer>>()

  constructor(startServer: StartServer) {
    this.#startServer = startServer
  }

  get(env: Env): Promise<RunningServer> {
    const clean = cleanEnv(env)
    const key = JSON.stringify(Object.entries(clean).sort(([a], [b]) => (a < b ? -1 : 1)))
    let server = this.#servers.get(key)
    if (!server) {
      server = startOn(this.#startServer, clean)
      // A failed start fails every scenario that needs it, with the app's own message, but is not
      // unhandled.
      server.catch(() => {})
      this.#servers.set(key, server)
    }
    return server
  }

  async closeAll(): Promise<void> {
    const servers = [...this.#servers.values()]
    this.#servers.clear()
    await Promise.all(servers.map(async (server) => (await server.catch(() => undefined))?.close()))
  }
}
