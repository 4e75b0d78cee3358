import { describe, expectTypeOf, it } from 'vitest'
import {
  type CookieJar,
  type RequestScope,
  type Session,
  type SessionContext,
  SessionTooLargeError,
  commitSession,
  cookietin,
} from '../src/index.ts'
import { SECRET } from './fixtures.ts'

type Cart = { items: string[]; user?: string }

describe('fetch types', () => {
  it('fetch: the wrapped handler gets a typed session and jar, with no casts', () => {
    const sessions = cookietin<Cart>({ secrets: SECRET })
    const handle = sessions.wrap(async (request, context) => {
      expectTypeOf(request).toEqualTypeOf<Request>()
      expectTypeOf(context).toEqualTypeOf<SessionContext<Cart>>()
      expectTypeOf(context.session).toEqualTypeOf<Session<Cart>>()
      expectTypeOf(context.cookies).toEqualTypeOf<CookieJar>()
      expectTypeOf(context.session.get('items')).toEqualTypeOf<string[] | undefined>()
      // @ts-expect-error: not a key of Cart
      context.session.get('nope')
      // @ts-expect-error: wrong value type
      context.session.set('items', 'one')
      await commitSession(context)
      return new Response('ok')
    })
    expectTypeOf(handle).toEqualTypeOf<(request: Request) => Promise<Response>>()
  })

  it("fetch: the host's extra arguments keep their types, after the request", () => {
    type Env = { DB: string }
    type Ctx = { waitUntil(promise: Promise<unknown>): void }
    const handle = cookietin<Cart>({ secrets: SECRET }).wrap(
      (_request, _context, env: Env, ctx: Ctx) => {
        ctx.waitUntil(Promise.resolve(env.DB))
        return new Response(env.DB)
      },
    )
    expectTypeOf(handle).toEqualTypeOf<
      (request: Request, env: Env, ctx: Ctx) => Promise<Response>
    >()
  })

  it('fetch: read and apply for middleware; commitSession takes anything with a session', async () => {
    const sessions = cookietin<Cart>({ secrets: SECRET })
    const scope = await sessions.read(new Request('http://example.test/'))
    expectTypeOf(scope).toEqualTypeOf<RequestScope<Cart>>()
    expectTypeOf(scope.session).toEqualTypeOf<Session<Cart>>()
    await commitSession(scope)
    const locals: { session: Session<Cart>; other: number } = { session: scope.session, other: 1 }
    await commitSession(locals)
    expectTypeOf(sessions.apply(scope, new Response())).toEqualTypeOf<Promise<Response>>()
    // @ts-expect-error: a handler must answer a Response
    sessions.wrap(() => 'text')
  })

  it('fetch: the README examples compile', () => {
    type Data = { user: string; visits: number }
    const sessions = cookietin<Data>({ secrets: SECRET })
    const worker = {
      fetch: sessions.wrap(async (_request, { session, cookies }) => {
        session.set('visits', (session.get('visits') ?? 0) + 1)
        return new Response(
          `Visits: ${session.get('visits')}; theme: ${cookies.get('theme') ?? 'light'}`,
        )
      }),
    }
    expectTypeOf(worker.fetch).parameter(0).toEqualTypeOf<Request>()

    const plain = cookietin({ secrets: SECRET })
    async function middleware(request: Request, next: () => Promise<Response>) {
      const scope = await plain.read(request)
      scope.session.set('seen', true)
      return plain.apply(scope, await next())
    }
    expectTypeOf(middleware).returns.toEqualTypeOf<Promise<Response>>()

    const carts = cookietin<{ cart: string[] }>({ secrets: SECRET })
    const POST = carts.wrap(async (request, context) => {
      const { item } = (await request.json()) as { item: string }
      context.session.set('cart', [...(context.session.get('cart') ?? []), item])
      try {
        await commitSession(context)
      } catch (error) {
        if (error instanceof SessionTooLargeError)
          return Response.json({ error: 'cart too large' }, { status: 413 })
        throw error
      }
      return Response.json({ cart: context.session.get('cart') })
    })
    expectTypeOf(POST).toEqualTypeOf<(request: Request) => Promise<Response>>()
  })
})
