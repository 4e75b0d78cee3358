/**
 * One benchmark server, run as its own child process: `server.ts <framework/library>`.
 * Binds 127.0.0.1 on a free port, reports it over IPC, answers `stats` requests with its counters,
 * and exits when its parent goes away or after a hard time limit, whichever comes first.
 */
import { createServer } from 'node:http'
import { counters } from './counters.ts'
import type { Framework } from './configs.ts'

const MAX_LIFETIME_MS = 45 * 60 * 1000

const id = process.argv[2] ?? ''
const [framework, library] = id.split('/') as [Framework, string]
const modules = {
  node: () => import('./servers/node.ts'),
  express: () => import('./servers/express.ts'),
  koa: () => import('./servers/koa.ts'),
  hono: () => import('./servers/hono.ts'),
  fastify: () => import('./servers/fastify.ts'),
  fetch: () => import('./servers/fetch.ts'),
}
if (!process.send || !(framework in modules)) {
  console.error(
    `usage: a child process with IPC, argument framework/library; got ${JSON.stringify(id)}`,
  )
  process.exit(2)
}
const listener = await (await modules[framework]()).createListener(library)
const server = createServer(listener)
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.send!({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 })
})

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'stats')
    process.send!({ type: 'stats', ...counters, cpu: process.cpuUsage() })
})
process.on('disconnect', () => process.exit(0))
process.on('SIGTERM', () => process.exit(0))
setTimeout(() => process.exit(3), MAX_LIFETIME_MS).unref()
