/**
 * The example site on Express. Every route is plain Express on `@cookietin/express`: the session is
 * `req.session` (get, set, flash, regenerate, destroy), the request's cookies `req.cookieJar` (get,
 * set, setSigned, getSigned, delete). What is not about sessions or cookies comes from
 * `@cookietin/site`, shared with the other example apps so all five answer alike: the checks of
 * each request body (`parse...`), the pages, the error shapes, the demo users and the
 * configuration.
 */
import { commitSession, cookietin } from '@cookietin/express'
import {
  type ActionResult,
  BodyError,
  type HttpResponse,
  type SiteConfig,
  type SiteOptions,
  USER_KEY,
  asUser,
  checkRequestTarget,
  commitOrRefuse,
  cookieErrorResult,
  createSite,
  errorResponse,
  errorResult,
  htmlResult,
  jsonResult,
  loginFailed,
  loginTooLarge,
  noContent,
  notFoundResponse,
  parseCookieToDelete,
  parseCookieToSet,
  parseFlash,
  parseLogin,
  parseLoginForm,
  parsePopKey,
  parsePreferencesForm,
  parseSessionPatch,
  parseSignedQuery,
  queryOf,
  readBody,
  readPreferences,
  redirectResult,
  renderHomePage,
  renderLoginPage,
  renderProtectedPage,
  routeResponse,
  sessionOptions,
  visibleData,
} from '@cookietin/site'
import express, { type ErrorRequestHandler, type Express, type Response } from 'express'

/** Writes out a response the site built, header for header as the other apps do. */
function send(res: Response, { status, headers, body }: HttpResponse): void {
  res.status(status)
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  if (body === null) res.end()
  else res.end(body)
}

const reply = (res: Response, result: ActionResult) => send(res, routeResponse(result))

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
  // Bodies are JSON whatever their Content-Type, forms, or nothing: read them as text (1 MiB at
  // most).
  app.use(async (req, _res, next) => {
    req.body = await readBody(req)
    next()
  })

  // ---- pages ----

  app.get('/', async (req, res) => {
    const page = renderHomePage({
      user: asUser(req.session.get(USER_KEY)),
      preferences: readPreferences(req.cookieJar),
      flashes: req.session.consumeFlashes(),
      held: await site.inspectHeld(req.cookieJar.all()), // the session cookies, opened
    })
    reply(res, htmlResult(200, page))
  })

  app.get('/login', (req, res) => {
    const user = asUser(req.session.get(USER_KEY))
    reply(
      res,
      htmlResult(200, renderLoginPage({ preferences: readPreferences(req.cookieJar), user })),
    )
  })

  app.post('/login', async (req, res) => {
    const { username, password } = parseLoginForm(req.body)
    const preferences = readPreferences(req.cookieJar)
    const user = await site.users.verify(username, password)
    if (user === null)
      return reply(res, loginFailed(username, preferences, asUser(req.session.get(USER_KEY))))
    req.session.regenerate() // a new identity on login: defeats session fixation
    req.session.set(USER_KEY, user)
    req.session.flash(`You are logged in as ${user}.`)
    const refused = await commitOrRefuse(() => commitSession(req))
    reply(res, refused ? loginTooLarge(refused, preferences) : redirectResult('/'))
  })

  app.post('/logout', (req, res) => {
    req.session.destroy()
    site.expireSessionCookie(req.cookieJar)
    reply(res, redirectResult('/'))
  })

  app.get('/protected', (req, res) => {
    const user = asUser(req.session.get(USER_KEY))
    const page = renderProtectedPage(user, readPreferences(req.cookieJar))
    reply(res, htmlResult(user ? 200 : 401, page))
  })

  app.post('/preferences', (req, res) => {
    const form = parsePreferencesForm(req.body, readPreferences(req.cookieJar))
    if (!form.ok) return reply(res, form.result)
    const cookie = site.preferenceCookie(req.cookieJar)
    if (form.value.theme) req.cookieJar.set('theme', form.value.theme, cookie)
    if (form.value.lang) req.cookieJar.set('lang', form.value.lang, cookie)
    reply(res, redirectResult('/'))
  })

  // ---- JSON API: cookies ----

  app.get('/api/cookies', (req, res) => {
    reply(res, jsonResult(200, { cookies: { ...req.cookieJar.all() } }))
  })

  app.put('/api/cookies/:name', async (req, res) => {
    const { name } = req.params
    const cookie = parseCookieToSet(name, req.body)
    if (!cookie.ok) return reply(res, cookie.result)
    const { value, signed, options, secure } = cookie.value
    const attributes = { ...options, ...site.secure(req.cookieJar, secure) }
    try {
      if (signed) await req.cookieJar.setSigned(name, value, attributes)
      else req.cookieJar.set(name, value, attributes)
    } catch (error) {
      return reply(res, cookieErrorResult(error))
    }
    reply(res, noContent())
  })

  app.get('/api/cookies/:name', async (req, res) => {
    const { name } = req.params
    const signed = parseSignedQuery(queryOf(req.originalUrl))
    if (!signed.ok) return reply(res, signed.result)
    try {
      const value = signed.value ? await req.cookieJar.getSigned(name) : req.cookieJar.get(name)
      reply(res, jsonResult(200, { value: value ?? null, valid: value !== undefined }))
    } catch (error) {
      reply(res, cookieErrorResult(error))
    }
  })

  app.delete('/api/cookies/:name', (req, res) => {
    const { name } = req.params
    const cookie = parseCookieToDelete(name, queryOf(req.originalUrl))
    if (!cookie.ok) return reply(res, cookie.result)
    try {
      req.cookieJar.delete(name, { ...cookie.value, ...site.secure(req.cookieJar) })
    } catch (error) {
      return reply(res, cookieErrorResult(error))
    }
    reply(res, noContent())
  })

  // ---- JSON API: session and flash ----

  app.get('/api/session', (req, res) => {
    reply(res, jsonResult(200, { data: visibleData(req.session), isNew: req.session.isNew }))
  })

  app.patch('/api/session', async (req, res) => {
    const patch = parseSessionPatch(req.body)
    if (!patch.ok) return reply(res, patch.result)
    for (const [key, value] of patch.value) {
      if (value === null) req.session.delete(key)
      else req.session.set(key, value)
    }
    // Committed now, so a session grown past its cookies is answered 413 here.
    const refused = await commitOrRefuse(() => commitSession(req))
    reply(res, refused ?? jsonResult(200, { data: visibleData(req.session) }))
  })

  app.post('/api/session/pop', (req, res) => {
    const key = parsePopKey(req.body)
    if (!key.ok) return reply(res, key.result)
    reply(res, jsonResult(200, { value: req.session.pop(key.value) ?? null }))
  })

  app.post('/api/session/regenerate', (req, res) => {
    req.session.regenerate()
    reply(res, noContent())
  })

  app.delete('/api/session', (req, res) => {
    req.session.destroy()
    site.expireSessionCookie(req.cookieJar)
    reply(res, noContent())
  })

  app.post('/api/flash', async (req, res) => {
    const flash = parseFlash(req.body)
    if (!flash.ok) return reply(res, flash.result)
    req.session.flash(flash.value.message, flash.value.category)
    reply(res, (await commitOrRefuse(() => commitSession(req))) ?? noContent())
  })

  app.get('/api/flash', (req, res) => {
    const messages = req.session.consumeFlashes().map(({ category, message }) => ({
      category,
      message,
    }))
    reply(res, jsonResult(200, { messages }))
  })

  // ---- JSON API: login ----

  app.post('/api/login', async (req, res) => {
    const login = parseLogin(req.body)
    if (!login.ok) return reply(res, login.result)
    const user = await site.users.verify(login.value.username, login.value.password)
    if (user === null)
      return reply(res, errorResult(401, 'UNAUTHORIZED', 'Wrong username or password'))
    req.session.regenerate()
    req.session.set(USER_KEY, user)
    reply(res, (await commitOrRefuse(() => commitSession(req))) ?? jsonResult(200, { user }))
  })

  app.get('/api/me', (req, res) => {
    const user = asUser(req.session.get(USER_KEY))
    reply(res, user ? jsonResult(200, { user }) : errorResult(401, 'UNAUTHORIZED', 'Not logged in'))
  })

  app.post('/api/logout', (req, res) => {
    req.session.destroy()
    site.expireSessionCookie(req.cookieJar)
    reply(res, noContent())
  })

  app.post('/api/logout-everywhere', async (req, res) => {
    // Every session of the user goes from the store (SESSION_STORE), then this one with its cookie.
    const refused = await site.revokeEverywhere(asUser(req.session.get(USER_KEY)))
    if (refused) return reply(res, refused)
    req.session.destroy()
    site.expireSessionCookie(req.cookieJar)
    reply(res, noContent())
  })

  app.use((req, res) => send(res, notFoundResponse(req.method, req.path)))
  const onError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error)
    const status = (error as { status?: unknown } | null)?.status
    // Express's own refusals are the client's fault; a body too large or not UTF-8 has its own
    // answer.
    if (
      typeof status === 'number' &&
      status >= 400 &&
      status < 500 &&
      !(error instanceof BodyError)
    )
      send(res, errorResponse(status, 'BAD_REQUEST', 'Bad request'))
    else send(res, site.failure(error))
  }
  app.use(onError)
  return app
}
