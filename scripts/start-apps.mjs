/* global process, console, URL */
// `pnpm start`: runs the five example apps side by side (express 3001, hono 3002, koa 3003,
// fastify 3004, fetch 3005), each as `pnpm --dir apps/<name>-example start`, with its output
// prefixed by its name. Ctrl-C (SIGINT) or SIGTERM is passed on to every app; this script exits
// once they all have. If one app fails to start (a bad SESSION_SECRETS, say), the others are
// stopped too and the exit status is 1.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const apps = [
  { name: 'express', port: 3001, color: 33 },
  { name: 'hono', port: 3002, color: 36 },
  { name: 'koa', port: 3003, color: 35 },
  { name: 'fastify', port: 3004, color: 32 },
  { name: 'fetch', port: 3005, color: 34 },
]
const width = Math.max(...apps.map((app) => app.name.length))
const useColor = process.stdout.isTTY && !process.env.NO_COLOR
const label = (app) => {
  const text = `[${app.name}]`.padEnd(width + 2)
  return useColor ? `\x1b[${app.color}m${text}\x1b[0m` : text
}
const host = process.env.HOST?.trim() || '127.0.0.1'
const urlOf = (app) => `http://${host.includes(':') ? `[${host}]` : host}:${app.port}`

let stopping = false
let failed = false
const running = new Set()
const listening = new Set()

function stopAll(signal) {
  stopping = true
  for (const app of running) {
    try {
      // Each app runs in its own process group (pnpm, sh, tsx, node): signal all of it.
      process.kill(-app.child.pid, signal)
    } catch {
      // Already gone.
    }
  }
}

for (const app of apps) {
  // PORT is per app; everything else (SESSION_SECRETS, HOST, ...) is shared.
  const child = spawn('pnpm', ['--silent', '--dir', `apps/${app.name}-example`, 'start'], {
    cwd: root,
    env: { ...process.env, PORT: String(app.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  app.child = child
  running.add(app)
  for (const [stream, sink] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream }).on('line', (line) => {
      sink.write(`${label(app)} ${line}\n`)
      if (line.includes('listening on')) {
        listening.add(app)
        if (listening.size === apps.length) {
          console.log(`\nAll five apps are up (Ctrl-C stops them):`)
          for (const each of apps) console.log(`  ${each.name.padEnd(width)}  ${urlOf(each)}`)
          console.log('')
        }
      }
    })
  }
  child.on('error', (error) => {
    console.error(`${label(app)} could not start: ${error.message}`)
  })
  child.on('exit', (code, signal) => {
    running.delete(app)
    if (!stopping) {
      failed = true
      console.error(`${label(app)} exited (${signal ?? `status ${code}`}); stopping the others`)
      stopAll('SIGTERM')
    }
    if (running.size === 0) process.exit(failed ? 1 : 0)
  })
}

console.log(`Starting ${apps.map((app) => `${app.name} on ${urlOf(app)}`).join(', ')}`)

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return
    console.log(`\n${signal}: stopping the apps`)
    stopAll(signal)
  })
}
