/**
 * Koa 3: bare, the floor as a Koa middleware (signed, sealed), @cookietin/koa (signed, sealed),
 * koa-session (cookie store, signed with keygrip).
 */
import type { RequestListener } from 'node:http'
import { cookietin } from '@cookietin/koa'
import Koa, { type Context, type Middleware } from 'koa'
import koaSession from 'koa-session'
import { type Floor, type FloorSession, createFloor } from '../../floor.ts'
import { LOAD_MAX_AGE, LOAD_SECRET } from '../configs.ts'
import { count } from '../counters.ts'

const FLOOR = Symbol('floor session')
type FloorContext = Context & { [FLOOR]?: FloorSession | undefined }

/**
 * The floor as Koa middleware: the cookie read and verified onto `ctx` before the rest of the
 * chain, the Set-Cookie set after it returns (Koa sends headers only once every middleware is
 * done).
 */
function floorSession(floor: Floor): Middleware {
  return async (ctx, next) => {
    const c = ctx as FloorContext
    c[FLOOR] = floor.read(ctx.req.headers.cookie)
    await next()
    const session = c[FLOOR]
    if (session) ctx.set('Set-Cookie', floor.write(session))
  }
}

type Dict = { get(key: string): unknown; set(key: string, value: unknown): unknown }
const sessionOf = (ctx: Context) => (ctx as unknown as { session: unknown }).session

export function createListener(library: string): RequestListener {
  const app = new Koa()
  switch (library) {
    case 'bare':
      app.use((ctx) => {
        count(false)
        ctx.type = 'text/plain'
        ctx.body = '1'
      })
      break
    case 'floor-signed':
    case 'floor-sealed':
      app.use(
        floorSession(
          createFloor(library === 'floor-signed' ? 'signed' : 'sealed', LOAD_SECRET, LOAD_MAX_AGE),
        ),
      )
      app.use((ctx) => {
        const c = ctx as FloorContext
        const prev = c[FLOOR]?.n
        const n = (prev ?? 0) + 1
        c[FLOOR] = { n }
        count(prev !== undefined)
        ctx.type = 'text/plain'
        ctx.body = String(n)
      })
      break
    case 'cookietin-signed':
    case 'cookietin-sealed':
      app.use(
        cookietin({
          secrets: [LOAD_SECRET],
          format: library === 'cookietin-signed' ? 'signed' : 'sealed',
          permanent: true,
          maxAge: LOAD_MAX_AGE,
        }),
      )
      app.use((ctx) => {
        const session = sessionOf(ctx) as Dict
        const prev = session.get('n') as number | undefined
        const n = (prev ?? 0) + 1
        session.set('n', n)
        count(prev !== undefined)
        ctx.type = 'text/plain'
        ctx.body = String(n)
      })
      break
    case 'koa-session':
      app.keys = [LOAD_SECRET]
      app.use(
        koaSession(
          {
            key: 'session',
            maxAge: LOAD_MAX_AGE * 1000,
            httpOnly: true,
            sameSite: 'lax',
            signed: true,
          },
          app,
        ),
      )
      app.use((ctx) => {
        const session = sessionOf(ctx) as { n?: number }
        const prev = session.n
        const n = (prev ?? 0) + 1
        session.n = n
        count(prev !== undefined)
        ctx.type = 'text/plain'
        ctx.body = String(n)
      })
      break
    default:
      throw new Error(`koa: unknown library ${library}`)
  }
  const callback = app.callback()
  return (req, res) => {
    void callback(req, res)
  }
}
