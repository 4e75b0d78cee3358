/**
 * The example site on Express: routes only. What each route does lives in `@cookietin/site`, shared
 * with the Hono and Koa apps; this file shows how `@cookietin/express` plugs in.
 */
import { commitSession, cookietin } from '@cookietin/express'
import {
  type Action,
  type HttpResponse,
  type SiteConfig,
  type SiteOptions,
  checkRequestTarget,
  createSite,
  errorResponse,
  notFoundResponse,
  serverErrorResponse,
  sessionOptions,
} from '@cookietin/site'
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type Response,
} from 'express'

function send(res: Response, { status, headers, body }: HttpResponse): void {
  res.status(status)
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  if (body === null) res.end()
  else res.end(body)
}

export async function createApp(config: SiteConfig, options: SiteOptions = {}): Promise<Express> {
  const site = createSite(config, options)
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  // Hono and Koa's router match exactly; so does this app.
  app.set('case sensitive routing', true)
  app.set('strict routing', true)

  app.use((req, res, next) => {
    const refused = checkRequestTarget(req.originalUrl)
    if (refused) send(res, refused)
    else next()
  })
  app.use(cookietin(await sessionOptions(config)))

  const run = (action: Action) => async (req: Request, res: Response) => {
    const response = await site.handle(action, {
      session: req.session,
      cookies: req.cookieJar,
      body: req,
      url: req.originalUrl,
      params: req.params as Record<string, string>, // no wildcard routes: every param is a string
      commitSession: () => commitSession(req),
    })
    send(res, response)
  }

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

  app.use((req, res) => send(res, notFoundResponse(req.method, req.path)))
  const onError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error)
    const status = (error as { status?: unknown } | null)?.status
    if (typeof status === 'number' && status >= 400 && status < 500) {
      send(res, errorResponse(status, 'BAD_REQUEST', 'Bad request'))
    } else {
      send(res, serverErrorResponse(error))
    }
  }
  app.use(onError)
  return app
}
