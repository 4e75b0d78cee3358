/**
 * The example site as one web-standard fetch handler, `(request: Request) => Promise<Response>`,
 * with `@cookietin/fetch`: what Bun.serve, Deno.serve, a Worker or srvx on Node call. It uses no
 * framework, so it routes requests itself (a table, below). What each route does lives in
 * `@cookietin/site`.
 */
import { type SessionContext, commitSession, cookietin } from '@cookietin/fetch'
import {
  type Action,
  type HttpResponse,
  type SiteConfig,
  type SiteOptions,
  checkRequestTarget,
  createSite,
  notFoundResponse,
  sessionOptions,
} from '@cookietin/site'
import { type Router, createRouter } from './router.ts'

export type FetchHandler = (request: Request) => Promise<Response>

const respond = ({ status, headers, body }: HttpResponse) => new Response(body, { status, headers })

/** The request target's path as it came, without origin and query (the router decodes params). */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  if (start === -1) return '/'
  const query = url.indexOf('?', start)
  return url.slice(start, query === -1 ? undefined : query)
}

export async function createApp(
  config: SiteConfig,
  options: SiteOptions = {},
): Promise<FetchHandler> {
  const site = createSite(config, options)
  const sessions = cookietin(await sessionOptions(config))
  const router: Router<Action> = createRouter([
    ['GET', '/', site.home],
    ['GET', '/login', site.loginPage],
    ['POST', '/login', site.login],
    ['POST', '/logout', site.logout],
    ['GET', '/protected', site.protectedPage],
    ['POST', '/preferences', site.preferences],

    ['GET', '/api/cookies', site.listCookies],
    ['PUT', '/api/cookies/:name', site.putCookie],
    ['GET', '/api/cookies/:name', site.getCookie],
    ['DELETE', '/api/cookies/:name', site.deleteCookie],
    ['GET', '/api/session', site.getSession],
    ['PATCH', '/api/session', site.patchSession],
    ['DELETE', '/api/session', site.deleteSession],
    ['POST', '/api/session/pop', site.popSession],
    ['POST', '/api/session/regenerate', site.regenerateSession],
    ['POST', '/api/flash', site.postFlash],
    ['GET', '/api/flash', site.getFlashes],
    ['POST', '/api/login', site.apiLogin],
    ['GET', '/api/me', site.apiMe],
    ['POST', '/api/logout', site.apiLogout],
    ['POST', '/api/logout-everywhere', site.apiLogoutEverywhere],
  ])

  const withSession = sessions.wrap(async (request: Request, context: SessionContext) => {
    const path = pathOf(request.url)
    const found = router.match(request.method, path)
    if (!found) return respond(notFoundResponse(request.method, path))
    return respond(
      await site.handle(found.handler, {
        session: context.session,
        cookies: context.cookies,
        // A web ReadableStream is async-iterable on Node, Bun and Deno.
        body: request.body as AsyncIterable<Uint8Array> | null,
        url: request.url,
        params: found.params,
        commitSession: () => commitSession(context),
      }),
    )
  })

  return async (request) => {
    const refused = checkRequestTarget(request.url)
    if (refused) return respond(refused)
    try {
      return await withSession(request)
    } catch (error) {
      // 503 when the session store is down (SESSION_STORE), else 500.
      return respond(site.failure(error))
    }
  }
}
