/**
 * `pnpm --filter @cookietin/bench memory`: five clients ask an Express route for a 100 MB export
 * and never read it. A middleware that holds the response without backpressure makes the route
 * buffer the whole export per client; one that keeps backpressure leaves the server's memory where
 * the bare route leaves it. Prints the RSS growth per variant and the ratio to the bare route;
 * writes a JSON file.
 */
import { fork } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { RESULTS_DIR } from '../paths.ts'

const VARIANTS = ['bare', 'cookietin', 'cookietin-web-crypto', 'cookie-session'] as const
const CLIENTS = 5

async function measure(variant: string): Promise<number> {
  const child = fork(new URL('./server.ts', import.meta.url), [variant], {
    execArgv: process.execArgv,
  })
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (message) => resolve(message as T))
      if (type !== 'ready') child.send({ type })
    })
  const { port } = await ask<{ port: number }>('ready')
  const before = (await ask<{ rss: number }>('rss')).rss
  const sockets: Socket[] = []
  for (let i = 0; i < CLIENTS; i++) {
    const socket = connect(port, '127.0.0.1')
    socket.write('GET /export HTTP/1.1\r\nHost: bench\r\n\r\n')
    socket.pause()
    sockets.push(socket)
  }
  // Until the server's memory stops growing: every route is waiting for a `drain` that never comes.
  let last = before
  for (let stable = 0; stable < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    const { rss } = await ask<{ rss: number }>('rss')
    stable = Math.abs(rss - last) < 1024 * 1024 ? stable + 1 : 0
    last = rss
  }
  for (const socket of sockets) socket.destroy()
  child.kill()
  return last - before
}

const growth: Record<string, number> = {}
for (const variant of VARIANTS) growth[variant] = await measure(variant)
const bare = Math.max(growth['bare'] ?? 0, 1)
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
console.log(`RSS growth, ${CLIENTS} clients not reading a 100 MB export (Express 5):`)
for (const variant of VARIANTS) {
  const bytes = growth[variant] ?? 0
  console.log(
    `  ${variant.padEnd(22)} ${mb(bytes).padStart(9)}   ${(bytes / bare).toFixed(2)}x bare`,
  )
}
const file = join(RESULTS_DIR, `memory-${new Date().toISOString().slice(0, 10)}.json`)
writeFileSync(
  file,
  `${JSON.stringify({ clients: CLIENTS, exportBytes: 100 * 1024 * 1024, growth }, null, 2)}\n`,
)
console.log(`wrote ${file}`)
