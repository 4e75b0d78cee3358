/**
 * One store benchmark server, its own child process: `server.ts <library> <redis url>`. `bare` (no
 * session), `cookietin-redis` (@cookietin/express + @cookietin/redis), `express-session-redis`
 * (express-session + connect-redis), on the same Redis: connect-redis on node-redis (the client it
 * supports), @cookietin/redis on ioredis. Routes: `GET /` increments a counter (a changed session),
 * `GET /read` only reads it, `GET /set?key=K` sets key K, `GET /keys` lists the session's keys.
 */
import { createServer } from 'node:http'
import { cookietin } from '@cookietin/express'
import { RedisStore } from '@cookietin/redis'
import { RedisStore as ConnectRedisStore } from 'connect-redis'
import express, { type Request } from 'express'
import expressSession from 'express-session'
import { Redis } from 'ioredis'
import { createClient } from 'redis'

const SECRET = 'a store benchmark secret of at least 32 bytes'
const MAX_AGE = 3600

const [library = '', url = ''] = process.argv.slice(2)
// Each library on the client it supports: connect-redis takes node-redis, @cookietin/redis ioredis.
const client = createClient({ url, disableOfflineQueue: true })
client.on('error', (error: unknown) => console.error(error))
await client.connect()
const ioredis = new Redis(url, { enableOfflineQueue: false, lazyConnect: true })
await ioredis.connect()

type Dict = { get(key: string): unknown; set(key: string, value: unknown): unknown; keys: string[] }
type Plain = Record<string, unknown>

const app = express()
app.disable('x-powered-by')
app.disable('etag')

let get: (req: Request, key: string) => unknown = () => undefined
let set: (req: Request, key: string, value: unknown) => void = () => undefined
let keys: (req: Request) => string[] = () => []

if (library === 'cookietin-redis') {
  app.use(
    cookietin({
      secrets: SECRET,
      store: new RedisStore(ioredis),
      permanent: true,
      maxAge: MAX_AGE,
    }),
  )
  const dict = (req: Request) => req.session as unknown as Dict
  get = (req, key) => dict(req).get(key)
  set = (req, key, value) => dict(req).set(key, value)
  keys = (req) => dict(req).keys
} else if (library === 'express-session-redis') {
  app.use(
    expressSession({
      store: new ConnectRedisStore({ client, ttl: MAX_AGE }),
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { maxAge: MAX_AGE * 1000 },
    }),
  )
  const plain = (req: Request) => req.session as unknown as Plain
  get = (req, key) => plain(req)[key]
  set = (req, key, value) => {
    plain(req)[key] = value
  }
  keys = (req) => Object.keys(plain(req)).filter((key) => key !== 'cookie')
} else if (library !== 'bare') {
  console.error(`unknown library ${library}`)
  process.exit(2)
}

app.get('/', (req, res) => {
  const n = Number(get(req, 'n') ?? 0) + 1
  set(req, 'n', n)
  res.type('text/plain').send(String(n))
})
app.get('/read', (req, res) => {
  res.type('text/plain').send(String(Number(get(req, 'n') ?? 0)))
})
app.get('/set', (req, res) => {
  const key = typeof req.query['key'] === 'string' ? req.query['key'] : 'missing'
  set(req, key, 1)
  res.type('text/plain').send('ok')
})
app.get('/keys', (req, res) => {
  res.json(keys(req))
})

const server = createServer(app)
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 })
})
process.on('message', (message: { type?: string }) => {
  if (message?.type === 'cpu') process.send?.({ type: 'cpu', cpu: process.cpuUsage() })
})
process.on('disconnect', () => {
  client.destroy()
  ioredis.disconnect()
  server.close()
  process.exit(0)
})
