/**
 * The soak's server process: one example app, started in each session format with the old secret
 * alone and again after a rotation (new secret first, old second). Reports its ports over IPC and
 * answers RSS requests, so the driver measures the server's memory and not its own.
 */
import type { RunningServer, StartServerOptions } from '@cookietin/site'

type StartServer = (options: StartServerOptions) => Promise<RunningServer>

const APPS: Record<string, () => Promise<{ startServer: StartServer }>> = {
  express: () => import('@cookietin/express-example/server'),
  hono: () => import('@cookietin/hono-example/server'),
  koa: () => import('@cookietin/koa-example/server'),
  fastify: () => import('@cookietin/fastify-example/server'),
  fetch: () => import('@cookietin/fetch-example/server'),
}

export interface ServeRequest {
  app: string
  oldSecret: string
  newSecret: string
}

export type ServeMessage =
  | { type: 'ready'; ports: Record<string, number> }
  | { type: 'rss'; rss: number }

const send = (message: ServeMessage) => process.send?.(message)

async function serve(request: ServeRequest): Promise<void> {
  const load = APPS[request.app]
  if (!load) throw new Error(`unknown app ${request.app}`)
  const { startServer } = await load()
  const ports: Record<string, number> = {}
  for (const format of ['sealed', 'signed', 'flask']) {
    for (const [phase, secrets] of [
      ['old', request.oldSecret],
      ['new', `${request.newSecret},${request.oldSecret}`],
    ] as const) {
      const server = await startServer({
        env: { NODE_ENV: 'production', SESSION_SECRETS: secrets, SESSION_FORMAT: format },
        port: 0,
        host: '127.0.0.1',
      })
      ports[`${format}-${phase}`] = server.port
    }
  }
  send({ type: 'ready', ports })
  process.on('message', (message: unknown) => {
    if (message === 'rss') send({ type: 'rss', rss: process.memoryUsage().rss })
  })
}

process.once('message', (request: ServeRequest) => {
  serve(request).catch((error: unknown) => {
    // The driver sees the exit and reports it; the stack goes to the shared stderr.
    console.error(error)
    process.exit(1)
  })
})
