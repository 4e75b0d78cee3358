import Koa from 'koa'
import { describe, expectTypeOf, it } from 'vitest'
import {
  type CookieJar,
  type TypedSessionData,
  type Session,
  commitSession,
  cookietin,
} from '../src/index.ts'
import { SECRET } from './fixtures.ts'

// The augmentation in koa.test.ts (`interface SessionData { user; blob; items }`) applies here too:
// declaration merging is global to the program, as it is in an app.

describe('koa types', () => {
  it('koa: ctx.session is typed from the augmented SessionData, ctx.cookieJar is a CookieJar', () => {
    const app = new Koa()
    app.use(cookietin({ secrets: SECRET }))
    app.use(async (ctx) => {
      expectTypeOf(ctx.session).toEqualTypeOf<Session<TypedSessionData>>()
      expectTypeOf(ctx.session.get('user')).toEqualTypeOf<string | undefined>()
      expectTypeOf(ctx.cookieJar).toEqualTypeOf<CookieJar>()
      // @ts-expect-error: not a key of SessionData
      ctx.session.get('nope')
      // @ts-expect-error: wrong value type
      ctx.session.set('items', 'one')
      // @ts-expect-error: the jar is read-only
      ctx.cookieJar = undefined
      ctx.session = { user: 'alice' }
      ctx.session = null
      // @ts-expect-error: only null or the data
      ctx.session = 'alice'
      await commitSession(ctx)
    })
  })

  it("koa: Koa's own ctx.cookies keeps its type", () => {
    const app = new Koa()
    app.use((ctx) => {
      expectTypeOf(ctx.cookies.get('theme')).toEqualTypeOf<string | undefined>()
    })
  })
})
