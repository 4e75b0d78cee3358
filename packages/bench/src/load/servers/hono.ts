/**
 * Hono on @hono/node-server: bare, the floor as a Hono middleware (signed, sealed), @cookietin/hono
 * (signed, sealed), Hono's own signed-cookie helper (`hono/cookie`), and hono-sessions
 * (CookieStore: the session sealed with iron-webcrypto).
 */
import type { RequestListener } from 'node:http'
import { type CookietinEnv, cookietin } from '@cookietin/hono'
import { getRequestListener } from '@hono/node-server'
import { Hono, type MiddlewareHandler } from 'hono'
import { getSignedCookie, setSignedCookie } from 'hono/cookie'
import { CookieStore, type Session, sessionMiddleware } from 'hono-sessions'
import { type Floor, type FloorSession, createFloor } from '../../floor.ts'
import { LOAD_MAX_AGE, LOAD_SECRET } from '../configs.ts'
import { count } from '../counters.ts'

type FloorEnv = { Variables: { floor: FloorSession | undefined } }

/**
 * The floor as Hono middleware: the cookie read and verified into the context before the route,
 * the Set-Cookie appended to the route's response after it. Both through Hono's portable API
 * (`c.req.header`, `c.res.headers`), what any middleware not tied to one runtime adapter pays;
 * not `c.header`, which after the route has answered copies the whole Response.
 */
function floorSession(floor: Floor): MiddlewareHandler<FloorEnv> {
  return async (c, next) => {
    c.set('floor', floor.read(c.req.header('cookie')))
    await next()
    const session = c.get('floor')
    if (session) c.res.headers.append('Set-Cookie', floor.write(session))
  }
}

/**
 * Node's request listener for a fetch handler; the promise it returns settles inside the adapter.
 */
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
    case 'floor-signed':
    case 'floor-sealed': {
      const app = new Hono<FloorEnv>()
      app.use(
        floorSession(
          createFloor(library === 'floor-signed' ? 'signed' : 'sealed', LOAD_SECRET, LOAD_MAX_AGE),
        ),
      )
      app.get('/', (c) => {
        const prev = c.get('floor')?.n
        const n = (prev ?? 0) + 1
        c.set('floor', { n })
        count(prev !== undefined)
        return c.text(String(n))
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
