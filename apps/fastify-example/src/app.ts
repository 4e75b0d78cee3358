/**
 * The example site on Fastify: routes only. What each route does lives in `@cookietin/site`, shared
 * with the other apps; this file shows how `@cookietin/fastify` plugs in.
 */
import { commitSession, cookietin } from '@cookietin/fastify'
import {
  type Action,
  type HttpResponse,
  type SiteConfig,
  type SiteOptions,
  checkRequestTarget,
  createSite,
  errorResponse,
  notFoundResponse,
  sessionOptions,
} from '@cookietin/site'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'

function send(reply: FastifyReply, { status, headers, body }: HttpResponse): FastifyReply {
  return reply
    .code(status)
    .headers(headers)
    .send(body ?? undefined)
}

const pathOf = (url: string) => url.split('?', 1)[0] ?? url

/** A request's body as the site reads it: the unread stream the catch-all parser passes on. */
const bodyOf = (request: FastifyRequest) =>
  (request.body as AsyncIterable<Uint8Array> | undefined) ?? null

export async function createApp(
  config: SiteConfig,
  options: SiteOptions = {},
): Promise<FastifyInstance> {
  const site = createSite(config, options)
  const app = Fastify({
    // Cookie names are route parameters; find-my-way's default cap (100 characters) would 404 them.
    routerOptions: { maxParamLength: 8192 },
    // A malformed percent escape in a parameter fails routing itself: answer as the other apps do.
    frameworkErrors: (error, request, reply) => {
      void send(
        reply,
        checkRequestTarget(request.url) ?? errorResponse(400, 'BAD_REQUEST', error.message),
      )
    },
  })

  // The site reads every body itself, within its limit: hand it the unread stream, any type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload))

  app.addHook('onRequest', (request, reply, done) => {
    const refused = checkRequestTarget(request.url)
    if (refused) void send(reply, refused)
    else done()
  })
  await app.register(cookietin, await sessionOptions(config))

  const run = (action: Action) => async (request: FastifyRequest, reply: FastifyReply) =>
    send(
      reply,
      await site.handle(action, {
        session: request.session,
        cookies: request.cookieJar,
        body: bodyOf(request),
        url: request.url,
        params: request.params as Record<string, string>,
        commitSession: () => commitSession(request),
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

  app.setNotFoundHandler((request, reply) =>
    send(reply, notFoundResponse(request.method, pathOf(request.url))),
  )
  app.setErrorHandler((error, _request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500
    // Fastify's own refusals of client input (a bad Content-Length...) stay 4xx, never 500.
    if (status >= 400 && status < 500)
      return send(reply, errorResponse(status, 'BAD_REQUEST', (error as Error).message))
    // 503 when the session store is down (SESSION_STORE), else 500.
    return send(reply, site.failure(error))
  })
  return app
}
