/**
 * The example site on Koa: routes only. What each route does lives in `@cookietin/site`, shared
 * with the Express and Hono apps; this file shows how `@cookietin/koa` plugs in.
 */
import { commitSession, cookietin } from '@cookietin/koa'
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
import Router from '@koa/router'
import Koa, { type Context } from 'koa'

function send(ctx: Context, { status, headers, body }: HttpResponse): void {
  ctx.set(headers) // Content-Type first, so Koa keeps it when the body is set
  ctx.body = body
  ctx.status = status
}

export async function createApp(config: SiteConfig, options: SiteOptions = {}): Promise<Koa> {
  const site = createSite(config, options)
  const app = new Koa()
  // Express and Hono match exactly; so does this router.
  const router = new Router({ strict: true, sensitive: true })

  app.use(async (ctx, next) => {
    try {
      await next()
    } catch (error) {
      send(ctx, serverErrorResponse(error))
    }
  })
  app.use(async (ctx, next) => {
    const refused = checkRequestTarget(ctx.originalUrl)
    if (refused) send(ctx, refused)
    else await next()
  })
  app.use(cookietin(await sessionOptions(config)))

  const run = (action: Action) => async (ctx: Context) => {
    const response = await site.handle(action, {
      session: ctx.session,
      cookies: ctx.cookieJar,
      body: ctx.req,
      url: ctx.originalUrl,
      params: ctx['params'] as Record<string, string>,
      commitSession: () => commitSession(ctx),
    })
    send(ctx, response)
  }

  router.get('/', run(site.home))
  router.get('/login', run(site.loginPage))
  router.post('/login', run(site.login))
  router.post('/logout', run(site.logout))
  router.get('/protected', run(site.protectedPage))
  router.post('/preferences', run(site.preferences))

  router.get('/api/cookies', run(site.listCookies))
  router.put('/api/cookies/:name', run(site.putCookie))
  router.get('/api/cookies/:name', run(site.getCookie))
  router.delete('/api/cookies/:name', run(site.deleteCookie))
  router.get('/api/session', run(site.getSession))
  router.patch('/api/session', run(site.patchSession))
  router.delete('/api/session', run(site.deleteSession))
  router.post('/api/session/pop', run(site.popSession))
  router.post('/api/session/regenerate', run(site.regenerateSession))
  router.post('/api/flash', run(site.postFlash))
  router.get('/api/flash', run(site.getFlashes))
  router.post('/api/login', run(site.apiLogin))
  router.get('/api/me', run(site.apiMe))
  router.post('/api/logout', run(site.apiLogout))
  router.post('/api/logout-everywhere', run(site.apiLogoutEverywhere))

  app.use(router.routes())
  app.use((ctx) => send(ctx, notFoundResponse(ctx.method, ctx.path)))
  return app
}
