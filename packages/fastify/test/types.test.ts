import Fastify from 'fastify'
import { describe, expectTypeOf, it } from 'vitest'
import {
  type CookieJar,
  type Session,
  SessionTooLargeError,
  type TypedSessionData,
  commitSession,
  cookietin,
} from '../src/index.ts'
import { SECRET } from './fixtures.ts'

// The README's keys, beside those of fastify.test.ts.
declare module '../src/index.ts' {
  interface SessionData {
    visits: number
    cart: string[]
  }
}

// The augmentation in fastify.test.ts (`interface SessionData { user; blob; items }`) applies here
// too: declaration merging is global to the program, as it is in an app.

describe('fastify types', () => {
  it('fastify: request.session is typed from the augmented SessionData, request.cookieJar is a CookieJar', async () => {
    const app = Fastify()
    await app.register(cookietin, { secrets: SECRET })
    app.get('/', async (request) => {
      expectTypeOf(request.session).toEqualTypeOf<Session<TypedSessionData>>()
      expectTypeOf(request.session.get('user')).toEqualTypeOf<string | undefined>()
      expectTypeOf(request.cookieJar).toEqualTypeOf<CookieJar>()
      // @ts-expect-error: not a key of SessionData
      request.session.get('nope')
      // @ts-expect-error: wrong value type
      request.session.set('items', 'one')
      await commitSession(request)
      return 'ok'
    })
    await app.close()
  })

  it('fastify: the options are checked as core SessionOptions', async () => {
    const app = Fastify()
    // @ts-expect-error: secrets are required
    void app.register(cookietin, {})
    // @ts-expect-error: not a format
    void app.register(cookietin, { secrets: SECRET, format: 'plain' })
    await app.close().catch(() => undefined)
  })

  it('fastify: the README examples compile', async () => {
    const app = Fastify()
    await app.register(cookietin, { secrets: SECRET })
    app.get('/', async (request) => {
      request.session.set('visits', (request.session.get('visits') ?? 0) + 1)
      return `Visits: ${request.session.get('visits')}; theme: ${request.cookieJar.get('theme') ?? 'light'}`
    })
    app.post<{ Params: { item: string } }>('/cart/:item', async (request, reply) => {
      request.session.set('cart', [...(request.session.get('cart') ?? []), request.params.item])
      try {
        await commitSession(request)
      } catch (error) {
        if (!(error instanceof SessionTooLargeError)) throw error
        return reply.code(413).send({ error: 'cart too large' })
      }
      return { cart: request.session.get('cart') }
    })
    await app.close()
  })
})
