/** Koa 3: bare, @cookietin/koa (signed, sealed), koa-session (cookie store, signed with keygrip). */
import type { RequestListener } from 'node:http'
import { cookietin } from '@cookietin/koa'
import Koa, { type Context } from 'koa'
import koaSession from 'koa-session'
import { LOAD_MAX_AGE, LOAD_SECRET } from '../configs.ts'
import { count } from '../counters.ts'

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
