/**
 * The example site on Hono: routes only. What each route does lives in `@cookietin/site`, shared
 * with the Express and Koa apps; this file shows how `@cookietin/hono` plugs in.
 */
import { type CookietinEnv, commitSession, cookietin } from '@cookietin/hono'
import {
  type Action,
  type HttpResponse,
  type SiteConfig,
  type SiteOptions,
  checkRequestTarget,
  createSite,
  notFoundResponse,
  serverErrorResponse,
  sessionOptions,
} from '@cookietin/site'
import { type Context, Hono } from 'hono'

const respond = ({ status, headers, body }: HttpResponse) => new Response(body, { status, headers })

export async function createApp(
  config: SiteConfig,
  options: SiteOptions = {},
): Promise<Hono<CookietinEnv>> {
  const site = createSite(config, options)
  // Strict (the default): `/api/session/` is not `/api/session`, as in the other two apps.
  const app = new Hono<CookietinEnv>({ strict: true })

  app.use(async (c, next) => {
    const refused = checkRequestTarget(c.req.url)
    if (refused) return respond(refused)
    return next()
  })
  app.use(cookietin(await sessionOptions(config)))

  const run = (action: Action) => async (c: Context<CookietinEnv>) =>
    respond(
      await site.handle(action, {
        session: c.get('session'),
        cookies: c.get('cookies'),
        body: c.req.raw.body as AsyncIterable<Uint8Array> | null, // a web ReadableStream is async-iterable on Node
        url: c.req.url,
        params: c.req.param(),
        commitSession: () => commitSession(c),
      }),
    )

  app.get('/', run(site.home))
  app.get('/login', run(site.loginPage))
  app.post('/login', run(site.login))
  app.post('/logout', run(site.logout))
  app.get('/protected', run(site.protectedPage))
  app.post('/preferences', run(site.preferences))

  app.get('/api/cookies', run(site.listCookies))
  app.put('/api/cookies/:name', run(site.putCookie))
  app.get('/api/cookies/:name', run(site.getCookie))
  app.delete('/api/cookies/:name', run(site.deleteCookie))
  app.get('/api/session', run(site.getSession))
  app.patch('/api/session', run(site.patchSession))
  app.delete('/api/session', run(site.deleteSession))
  app.post('/api/session/pop', run(site.popSession))
  app.post('/api/session/regenerate', run(site.regenerateSession))
  app.post('/api/flash', run(site.postFlash))
  app.get('/api/flash', run(site.getFlashes))
  app.post('/api/login', run(site.apiLogin))
  app.get('/api/me', run(site.apiMe))
  app.post('/api/logout', run(site.apiLogout))
  app.post('/api/logout-everywhere', run(site.apiLogoutEverywhere))

  app.notFound((c) => respond(notFoundResponse(c.req.method, c.req.path)))
  app.onError((error) => respond(serverErrorResponse(error)))
  return app
}
