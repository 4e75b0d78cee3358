/**
 * The call shapes of docs/recipes, as each framework makes them, without the frameworks: what the
 * handler or middleware receives, what it returns, and how the host calls it. The recipes' code
 * itself is type-checked against the real frameworks in packages/recipes.
 */
import { BrowserJar, cookieNames } from '@cookietin/testkit'
import { describe, expect, it } from 'vitest'
import {
  type CookieJar,
  type RequestScope,
  type Session,
  SessionTooLargeError,
  commitSession,
  cookietin,
} from '../src/index.ts'
import { SECRET, backends } from './fixtures.ts'

type Data = { user: string; visits: number; cart: string[]; items: string[] }

/** A browser's cookie jar over successive calls of a handler. */
function browser() {
  const jar = new BrowserJar()
  return {
    jar,
    request(url: string, init: RequestInit = {}): Request {
      const headers = new Headers(init.headers)
      if (jar.cookies.size > 0) headers.set('cookie', jar.header)
      return new Request(url, { ...init, headers })
    },
    keep(response: Response): Response {
      jar.apply(response.headers.getSetCookie())
      return response
    },
  }
}

/** Next.js's NextRequest is a Request with `nextUrl`; NextResponse.next() a mutable Response. */
class NextRequestLike extends Request {
  readonly nextUrl = new URL(this.url)
}
const nextResponseNext = () => new Response(null, { headers: { 'x-middleware-next': '1' } })
const nextResponseRedirect = (url: URL) =>
  new Response(null, { status: 307, headers: { Location: url.href } })

describe.each(backends)('recipes, $backend crypto', ({ crypto }) => {
  const sessions = cookietin<Data>({ secrets: SECRET, backend: crypto })

  it('recipes/nextjs: route handlers (GET, a form POST that redirects, PUT with params) and proxy.ts', async () => {
    const GET = sessions.wrap(async (_request, { session }) => {
      const visits = (session.get('visits') ?? 0) + 1
      session.set('visits', visits)
      return Response.json({ visits, user: session.get('user') ?? null })
    })
    const POST = sessions.wrap(async (request: NextRequestLike, { session }) => {
      const user = (await request.formData()).get('user')
      if (typeof user !== 'string' || user === '')
        return Response.json({ error: 'user is required' }, { status: 400 })
      session.regenerate()
      session.set('user', user)
      return Response.redirect(new URL('/', request.nextUrl), 303)
    })
    type Params = { params: Promise<{ item: string }> }
    const PUT = sessions.wrap(async (_request: NextRequestLike, context, { params }: Params) => {
      const { item } = await params
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
    async function proxy(request: NextRequestLike): Promise<Response> {
      const scope = await sessions.read(request)
      if (!scope.session.has('user'))
        return sessions.apply(scope, nextResponseRedirect(new URL('/login', request.nextUrl)))
      scope.session.set('visits', (scope.session.get('visits') ?? 0) + 1)
      return sessions.apply(scope, nextResponseNext())
    }

    const b = browser()
    const guarded = b.keep(await proxy(new NextRequestLike(b.request('https://app.test/account'))))
    expect([guarded.status, guarded.headers.get('Location')]).toEqual([
      307,
      'https://app.test/login',
    ])
    expect(b.keep(await GET(b.request('https://app.test/api/visits'))).status).toBe(200)
    const form = new URLSearchParams({ user: 'alice' })
    const login = b.keep(
      await POST(
        new NextRequestLike(
          b.request('https://app.test/api/login', { method: 'POST', body: form }),
        ),
      ),
    )
    expect([login.status, login.headers.get('Location')]).toEqual([303, 'https://app.test/'])
    expect(login.headers.getSetCookie()[0]).toMatch(/^session=.*; Secure/)
    const put = await PUT(
      new NextRequestLike(b.request('https://app.test/api/cart/tea', { method: 'PUT' })),
      {
        params: Promise.resolve({ item: 'tea' }),
      },
    )
    expect(await b.keep(put).json()).toEqual({ cart: ['tea'] })
    const next = b.keep(await proxy(new NextRequestLike(b.request('https://app.test/account'))))
    expect(next.headers.get('x-middleware-next')).toBe('1')
    expect(cookieNames(next)).toEqual(['session'])
    expect(await (await GET(b.request('https://app.test/api/visits'))).json()).toEqual({
      visits: 3,
      user: 'alice',
    })
  })

  it('recipes/react-router: a route middleware puts the session in context for loaders and actions', async () => {
    const sessionContext = Symbol('session')
    type Context = Map<symbol, Session<Data>>
    type Next = () => Promise<Response>
    const middleware = async (
      { request, context }: { request: Request; context: Context },
      next: Next,
    ) => {
      const scope = await sessions.read(request)
      context.set(sessionContext, scope.session)
      return sessions.apply(scope, await next())
    }
    const loader = ({ context }: { context: Context }) => {
      const session = context.get(sessionContext)!
      const visits = (session.get('visits') ?? 0) + 1
      session.set('visits', visits)
      return { visits, user: session.get('user') ?? null }
    }
    const action = async ({ request, context }: { request: Request; context: Context }) => {
      const user = (await request.formData()).get('user')
      if (typeof user !== 'string' || user === '') return { error: 'user is required' }
      const session = context.get(sessionContext)!
      session.regenerate()
      session.set('user', user)
      // react-router's redirect(): a Response with mutable headers.
      return new Response(null, { status: 302, headers: { Location: '/' } })
    }
    const b = browser()
    // React Router calls the middleware, whose next() runs the route's loader or action.
    const run = async (
      request: Request,
      route: (args: { request: Request; context: Context }) => Promise<Response>,
    ) => {
      const context: Context = new Map()
      return b.keep(await middleware({ request, context }, () => route({ request, context })))
    }
    const form = new URLSearchParams({ user: 'bob' })
    const posted = await run(
      b.request('http://app.test/', { method: 'POST', body: form }),
      async (args) => {
        const result = await action(args)
        return result instanceof Response ? result : Response.json(result)
      },
    )
    expect([posted.status, posted.headers.get('Location'), cookieNames(posted)]).toEqual([
      302,
      '/',
      ['session'],
    ])
    const page = await run(b.request('http://app.test/'), async (args) =>
      Response.json(loader(args)),
    )
    expect(await page.json()).toEqual({ visits: 1, user: 'bob' })
    expect(page.headers.get('Vary')).toBe('Cookie')
  })

  it('recipes/sveltekit: handle puts the session in event.locals and applies it to resolve(event)', async () => {
    type Locals = { session?: Session<Data>; cookieJar?: CookieJar }
    type Event = { request: Request; locals: Locals }
    const handle = async ({
      event,
      resolve,
    }: {
      event: Event
      resolve: (event: Event) => Promise<Response>
    }) => {
      const scope = await sessions.read(event.request)
      event.locals.session = scope.session
      event.locals.cookieJar = scope.cookies
      return sessions.apply(scope, await resolve(event))
    }
    const b = browser()
    const login = async (event: Event) => {
      event.locals.session!.regenerate()
      event.locals.session!.set('user', 'carol')
      // SvelteKit turns a thrown redirect(303, '/') into this response, which goes through handle.
      return new Response(null, { status: 303, headers: { location: '/' } })
    }
    const load = async (event: Event) => {
      const visits = (event.locals.session!.get('visits') ?? 0) + 1
      event.locals.session!.set('visits', visits)
      return Response.json({
        visits,
        user: event.locals.session!.get('user') ?? null,
        theme: event.locals.cookieJar!.get('theme') ?? null,
      })
    }
    const posted = b.keep(
      await handle({
        event: { request: b.request('http://app.test/?/login', { method: 'POST' }), locals: {} },
        resolve: login,
      }),
    )
    expect([posted.status, cookieNames(posted)]).toEqual([303, ['session']])
    const page = b.keep(
      await handle({
        event: { request: b.request('http://app.test/'), locals: {} },
        resolve: load,
      }),
    )
    expect(await page.json()).toEqual({ visits: 1, user: 'carol', theme: null })
  })

  it('recipes/astro: onRequest(context, next) with the session in context.locals', async () => {
    type Locals = { session?: Session<Data>; cookieJar?: CookieJar }
    const onRequest = async (
      context: { request: Request; locals: Locals },
      next: () => Promise<Response>,
    ) => {
      const scope = await sessions.read(context.request)
      context.locals.session = scope.session
      context.locals.cookieJar = scope.cookies
      return sessions.apply(scope, await next())
    }
    const GET = ({ locals }: { locals: Locals }) => {
      const visits = (locals.session!.get('visits') ?? 0) + 1
      locals.session!.set('visits', visits)
      return Response.json({ visits, user: locals.session!.get('user') ?? null })
    }
    const b = browser()
    for (const visits of [1, 2]) {
      const context = { request: b.request('http://app.test/api/visits'), locals: {} }
      const response = b.keep(await onRequest(context, async () => GET(context)))
      expect(await response.json()).toEqual({ visits, user: null })
    }
  })

  it('recipes/bun: routes (BunRequest with params, method handlers) and fetch, called with the server', async () => {
    const server = { url: new URL('http://127.0.0.1:3000/') }
    type BunRequestLike = Request & { params: { id: string } }
    const visitsRoute = sessions.wrap(async (_request, { session }) => {
      const visits = (session.get('visits') ?? 0) + 1
      session.set('visits', visits)
      return Response.json({ visits })
    })
    const itemRoute = sessions.wrap(async (request: BunRequestLike, { session }) => {
      session.set('items', [...(session.get('items') ?? []), request.params.id])
      return Response.json({ items: session.get('items') })
    })
    const notFound = sessions.wrap(async () => new Response('Not found', { status: 404 }))
    const b = browser()
    // Bun calls every handler as handler(request, server).
    const call = <R extends Request>(
      handler: (request: R, srv: typeof server) => Promise<Response>,
      request: R,
    ) => handler(request, server).then((response) => b.keep(response))
    expect(
      await (await call(visitsRoute, b.request('http://127.0.0.1:3000/api/visits'))).json(),
    ).toEqual({ visits: 1 })
    const put = Object.assign(b.request('http://127.0.0.1:3000/api/items/7', { method: 'PUT' }), {
      params: { id: '7' },
    })
    expect(await (await call(itemRoute, put)).json()).toEqual({ items: ['7'] })
    expect((await call(notFound, b.request('http://127.0.0.1:3000/nope'))).status).toBe(404)
    expect(
      await (await call(visitsRoute, b.request('http://127.0.0.1:3000/api/visits'))).json(),
    ).toEqual({ visits: 2 })
  })

  it('recipes/deno: the default export for deno serve and the Deno.serve handler, called with info', async () => {
    const info = {
      remoteAddr: { transport: 'tcp' as const, hostname: '127.0.0.1', port: 50000 },
      completed: Promise.resolve(),
    }
    const app = {
      fetch: sessions.wrap(async (_request, { session }) => {
        const visits = (session.get('visits') ?? 0) + 1
        session.set('visits', visits)
        return Response.json({ visits })
      }),
    }
    const handler = sessions.wrap(async (request, { session }, serveInfo: typeof info) => {
      const visits = (session.get('visits') ?? 0) + 1
      session.set('visits', visits)
      const { pathname } = new URL(request.url)
      return Response.json({ visits, pathname, transport: serveInfo.remoteAddr.transport })
    })
    const b = browser()
    // deno serve calls fetch(request, info) too; the wrapped handler takes what it declares.
    const viaServe = (app.fetch as (request: Request, info: unknown) => Promise<Response>)(
      b.request('http://localhost:8000/'),
      info,
    )
    expect(await b.keep(await viaServe).json()).toEqual({ visits: 1 })
    const viaDenoServe = b.keep(await handler(b.request('http://localhost:8000/x'), info))
    expect(await viaDenoServe.json()).toEqual({ visits: 2, pathname: '/x', transport: 'tcp' })
  })

  it('recipes: a scope applied once; the lower-level calls keep RequestScope typed', async () => {
    const scope: RequestScope<Data> = await sessions.read(new Request('http://app.test/'))
    scope.session.set('user', 'dave')
    const first = await sessions.apply(scope, new Response('ok'))
    expect(cookieNames(first)).toEqual(['session'])
    const second = await sessions.apply(scope, new Response('again'))
    expect(second.headers.getSetCookie()).toEqual([])
  })
})
