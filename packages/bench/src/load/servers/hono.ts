/**
 * Hono on @hono/node-server: bare, @cookietin/hono (signed, sealed), Hono's own signed-cookie helper
 * (`hono/cookie`), and hono-sessions (CookieStore: the session sealed with iron-webcrypto).
 */
import type { RequestListener } from 'node:http'
import { type CookietinEnv, cookietin } from '@cookietin/hono'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { getSignedCookie, setSignedCookie } from 'hono/cookie'
import { CookieStore, type Session, sessionMiddleware } from 'hono-sessions'
import { LOAD_MAX_AGE, LOAD_SECRET } from '../configs.ts'
import { count } from '../counters.ts'

/** Node's request listener for a fetch handler; the promise it returns settles inside the adapter. */
function toListener(fetch: Parameters<typeof getRequestListener>[0]): RequestListener {
  const listener = getRequestListener(fetch)
  return (req, res) => {
    void listener(req, res)
  }
}

export function createListener(library: string): RequestListener {
  switch (library) {
    case 'bare': {
      const app = new Hono()
      app.get('/', (c) => {
        count(false)
        return c.text('1')
      })
      return toListener(app.fetch)
    }
    case 'cookietin-signed':
    case 'cookietin-sealed': {
      const app = new Hono<CookietinEnv<{ n: number }>>()
      app.use(
        cookietin<{ n: number }>({
          secrets: [LOAD_SECRET],
          format: library === 'cookietin-signed' ? 'signed' : 'sealed',
          permanent: true,
          maxAge: LOAD_MAX_AGE,
        }),
      )
      app.get('/', (c) => {
        const session = c.get('session')
        const prev = session.get('n')
        const n = (prev ?? 0) + 1
        session.set('n', n)
        count(prev !== undefined)
        return c.text(String(n))
      })
      return toListener(app.fetch)
    }
    case 'signed-cookie': {
      const app = new Hono()
      app.get('/', async (c) => {
        const raw = await getSignedCookie(c, LOAD_SECRET, 'session')
        const prev = typeof raw === 'string' ? (JSON.parse(raw) as { n: number }).n : undefined
        const n = (prev ?? 0) + 1
        await setSignedCookie(c, 'session', JSON.stringify({ n }), LOAD_SECRET, {
          path: '/',
          httpOnly: true,
          sameSite: 'Lax',
          maxAge: LOAD_MAX_AGE,
        })
        count(prev !== undefined)
        return c.text(String(n))
      })
      return toListener(app.fetch)
    }
    case 'hono-sessions': {
      const app = new Hono<{
        Variables: { session: Session<{ n: number }>; session_key_rotation: boolean }
      }>()
      app.use(
        sessionMiddleware({
          store: new CookieStore(),
          encryptionKey: LOAD_SECRET,
          expireAfterSeconds: LOAD_MAX_AGE,
          cookieOptions: { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: LOAD_MAX_AGE },
        }),
      )
      app.get('/', (c) => {
        const session = c.get('session')
        const prev = session.get('n') ?? undefined
        const n = (prev ?? 0) + 1
        session.set('n', n)
        count(prev !== undefined)
        return c.text(String(n))
      })
      return toListener(app.fetch)
    }
    default:
      throw new Error(`hono: unknown library ${library}`)
  }
}
