import type { CookieJar, Session } from '@cookietin/core'
import {
  type SessionData,
  type TypedSessionData,
  commitSession,
  cookietin,
} from '@cookietin/express'
import type { Request, RequestHandler } from 'express'
import { describe, expectTypeOf, test } from 'vitest'

// `SessionData` is augmented in express.test.ts (`user`, `count`, `blob`) and in the README's testing
// sample, readmeTesting.test.ts (`user`, `cart`); augmentation is program-wide, so
// `tsc -p tsconfig.json` checks these assertions against the merged interface.
describe('types (Express 4 and 5 share @types/express)', () => {
  test('req.session is typed by the augmented SessionData, with no casts', () => {
    expectTypeOf<SessionData>().toEqualTypeOf<{
      user: string
      count: number
      blob: string
      cart: string[]
    }>()
    expectTypeOf<Request['session']>().toEqualTypeOf<Session<TypedSessionData>>()
    expectTypeOf<Request['cookieJar']>().toEqualTypeOf<CookieJar>()
    const handler: RequestHandler = (req, res) => {
      expectTypeOf(req.session.get('user')).toEqualTypeOf<string | undefined>()
      expectTypeOf(req.session.pop('count', 0)).toEqualTypeOf<number>()
      expectTypeOf(req.session.data).toEqualTypeOf<Readonly<Partial<TypedSessionData>>>()
      // @ts-expect-error: not a key of SessionData
      req.session.get('nope')
      // @ts-expect-error: `user` is a string
      req.session.set('user', 1)
      expectTypeOf(req.cookieJar.getSigned('a')).toEqualTypeOf<Promise<string | undefined>>()
      res.end()
    }
    expectTypeOf(handler).toBeFunction()
  })

  test('cookietin returns an Express RequestHandler; commitSession takes the request', () => {
    expectTypeOf(cookietin).returns.toEqualTypeOf<RequestHandler>()
    expectTypeOf(commitSession).parameter(0).toEqualTypeOf<Request>()
    expectTypeOf(commitSession).returns.toEqualTypeOf<Promise<void>>()
  })
})
