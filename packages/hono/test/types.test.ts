import { Hono } from 'hono'
import { describe, expectTypeOf, it } from 'vitest'
import {
  type CookieJar,
  type CookietinEnv,
  type Session,
  SessionTooLargeError,
  commitSession,
  cookietin,
  getCookies,
  getSession,
} from '../src/index.ts'
import { SECRET } from './fixtures.ts'

type Cart = { items: string[]; user?: string }

interface Profile {
  name: string
  tags?: string[]
}

describe('hono types', () => {
  it('hono: c.get("session") and c.var are typed from the app env, with no casts', () => {
    const app = new Hono<CookietinEnv<Cart>>()
    app.use(cookietin<Cart>({ secrets: SECRET }))
    app.get('/', async (c) => {
      expectTypeOf(c.get('session')).toEqualTypeOf<Session<Cart>>()
      expectTypeOf(c.var.cookies).toEqualTypeOf<CookieJar>()
      expectTypeOf(c.get('session').get('items')).toEqualTypeOf<string[] | undefined>()
      // @ts-expect-error: not a key of Cart
      c.get('session').get('nope')
      // @ts-expect-error: wrong value type
      c.get('session').set('items', 'one')
      await commitSession(c)
      expectTypeOf(getSession(c)).toEqualTypeOf<Session<Cart>>()
      expectTypeOf(getCookies(c)).toEqualTypeOf<CookieJar>()
      return c.text('ok')
    })
  })

  it('hono: the middleware alone types a route through its inferred env', () => {
    const app = new Hono()
    app.get('/', cookietin<Cart>({ secrets: SECRET }), (c) => {
      expectTypeOf(c.get('session')).toEqualTypeOf<Session<Cart>>()
      return c.text(c.get('session').get('user') ?? 'nobody')
    })
  })

  it('hono: commitSession accepts a context with more variables', () => {
    const app = new Hono<{ Variables: CookietinEnv<Cart>['Variables'] & { requestId: string } }>()
    app.get('/', async (c) => {
      await commitSession(c)
      expectTypeOf(c.get('requestId')).toEqualTypeOf<string>()
      return c.text('ok')
    })
  })

  it('hono: an interface types the session too', () => {
    const app = new Hono<CookietinEnv<Profile>>()
    app.use(cookietin<Profile>({ secrets: SECRET }))
    app.get('/', async (c) => {
      expectTypeOf(c.get('session')).toEqualTypeOf<Session<Profile>>()
      expectTypeOf(c.get('session').get('tags')).toEqualTypeOf<string[] | undefined>()
      await commitSession(c)
      return c.text(c.get('session').get('name') ?? 'nobody')
    })
  })

  it('hono: the README examples compile', () => {
    type Data = { user: string; visits: number; cart: string[] }
    const app = new Hono<CookietinEnv<Data>>()
    app.use(cookietin<Data>({ secrets: SECRET }))
    app.get('/', (c) => {
      const session = c.get('session')
      session.set('visits', (session.get('visits') ?? 0) + 1)
      return c.text(
        `Visits: ${session.get('visits')}; theme: ${c.get('cookies').get('theme') ?? 'light'}`,
      )
    })
    app.post('/cart/:item', async (c) => {
      const session = c.get('session')
      session.set('cart', [...(session.get('cart') ?? []), c.req.param('item')])
      try {
        await commitSession(c)
      } catch (error) {
        if (error instanceof SessionTooLargeError) return c.json({ error: 'cart too large' }, 413)
        throw error
      }
      return c.json({ cart: session.get('cart') })
    })
  })
})
