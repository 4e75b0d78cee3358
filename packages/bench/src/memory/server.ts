/**
 * One memory-test server as its own process: `server.ts <variant>`. An Express 5 route streams a
 * large export from a synchronous source (`Readable.from(generator).pipe(res)`), with or without
 * cookietin. Reports its port over IPC and its RSS on request.
 */
import { createServer } from 'node:http'
import { Readable } from 'node:stream'
import { backend as webCrypto } from '@cookietin/core/web-crypto'
import { cookietin } from '@cookietin/express'
import cookieSession from 'cookie-session'
import express from 'express'

export const EXPORT_BYTES = 100 * 1024 * 1024
const CHUNK = 64 * 1024
const variant = process.argv[2] ?? 'bare'
const app = express()
const secret = 'Nq4vT8xLk2Zr6Wm9Hp3Ys7Bd5Fg1Jc0Ae'
if (variant === 'cookietin') app.use(cookietin({ secrets: [secret] }))
// Web Crypto is asynchronous: the one case where the middleware holds the response.
if (variant === 'cookietin-web-crypto')
  app.use(cookietin({ secrets: [secret], backend: webCrypto }))
if (variant === 'cookie-session') app.use(cookieSession({ keys: [secret] }))
app.get('/export', (req, res) => {
  const session = (
    req as { session?: { set?(key: string, value: unknown): void; exported?: boolean } }
  ).session
  if (session?.set) session.set('exported', true)
  else if (session) session.exported = true
  const chunk = Buffer.alloc(CHUNK, 120)
  function* rows() {
    for (let sent = 0; sent < EXPORT_BYTES; sent += CHUNK) yield Buffer.from(chunk)
  }
  Readable.from(rows()).pipe(res)
})
const server = createServer(app)
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 })
})
process.on('message', () => process.send?.({ type: 'rss', rss: process.memoryUsage().rss }))
process.on('disconnect', () => process.exit(0))
setTimeout(() => process.exit(3), 5 * 60 * 1000).unref()
