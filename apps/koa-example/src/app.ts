/**
 * The example site on Koa. Every route is plain Koa and `@koa/router` on `@cookietin/koa`: the
 * session is `ctx.session` (get, set, flash, regenerate; `ctx.session = null` destroys it), the
 * request's cookies `ctx.cookieJar` (get, set, setSigned, getSigned, delete). What is not about
 * sessions or cookies comes from `@cookietin/site`, shared with the other example apps so all five
 * answer alike: the checks of each request body (`parse...`), the pages, the error shapes,
 * the demo users and the configuration.
 */
import { commitSession, cookietin } from '@cookietin/koa'
import {
  type ActionResult,
  type HttpResponse,
  type SiteConfig,
  type SiteOptions,
  USER_KEY,
  asUser,
  checkRequestTarget,
  commitOrRefuse,
  cookieErrorResult,
  createSite,
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
import Router from '@koa/router'
import Koa, { type Context } from 'koa'

/** Writes out a response the site built, header for header as the other apps do. */
function send(ctx: Context, { status, headers, body }: HttpResponse): void {
  ctx.set(headers) // Content-Type first, so Koa keeps it when the body is set
  ctx.body = body
  ctx.status = status
}

const reply = (ctx: Context, result: ActionResult) => send(ctx, routeResponse(result))
/** The request body as text: JSON whatever its Content-Type, a form, or nothing (1 MiB at most). */
const text = (ctx: Context) => readBody(ctx.req)

export async function createApp(config: SiteConfig, options: SiteOptions = {}): Promise<Koa> {
  const site = createSite(config, options)
  const app = new Koa()
  // Express and Hono match exactly; so does this router.
  const router = new Router({ strict: true, sensitive: true })

  app.use(async (ctx, next) => {
    try {
      await next()
    } catch (error) {
      send(ctx, site.failure(error))
    }
  })
  app.use(async (ctx, next) => {
    const refused = checkRequestTarget(ctx.originalUrl)
    if (refused) send(ctx, refused)
    else await next()
  })
  app.use(cookietin(await sessionOptions(config)))

  // ---- pages ----

  router.get('/', async (ctx) => {
    const page = renderHomePage({
      user: asUser(ctx.session.get(USER_KEY)),
      preferences: readPreferences(ctx.cookieJar),
      flashes: ctx.session.consumeFlashes(),
      held: await site.inspectHeld(ctx.cookieJar.all()), // the session cookies, opened
    })
    reply(ctx, htmlResult(200, page))
  })

  router.get('/login', (ctx) => {
    const user = asUser(ctx.session.get(USER_KEY))
    reply(
      ctx,
      htmlResult(200, renderLoginPage({ preferences: readPreferences(ctx.cookieJar), user })),
    )
  })

  router.post('/login', async (ctx) => {
    const { username, password } = parseLoginForm(await text(ctx))
    const preferences = readPreferences(ctx.cookieJar)
    const user = await site.users.verify(username, password)
    if (user === null)
      return reply(ctx, loginFailed(username, preferences, asUser(ctx.session.get(USER_KEY))))
    ctx.session.regenerate() // a new identity on login: defeats session fixation
    ctx.session.set(USER_KEY, user)
    ctx.session.flash(`You are logged in as ${user}.`)
    const refused = await commitOrRefuse(() => commitSession(ctx))
    reply(ctx, refused ? loginTooLarge(refused, preferences) : redirectResult('/'))
  })

  router.post('/logout', (ctx) => {
    ctx.session = null // destroys the session, as with koa-session
    site.expireSessionCookie(ctx.cookieJar)
    reply(ctx, redirectResult('/'))
  })

  router.get('/protected', (ctx) => {
    const user = asUser(ctx.session.get(USER_KEY))
    const page = renderProtectedPage(user, readPreferences(ctx.cookieJar))
    reply(ctx, htmlResult(user ? 200 : 401, page))
  })

  router.post('/preferences', async (ctx) => {
    const form = parsePreferencesForm(await text(ctx), readPreferences(ctx.cookieJar))
    if (!form.ok) return reply(ctx, form.result)
    const cookie = site.preferenceCookie(ctx.cookieJar)
    if (form.value.theme) ctx.cookieJar.set('theme', form.value.theme, cookie)
    if (form.value.lang) ctx.cookieJar.set('lang', form.value.lang, cookie)
    reply(ctx, redirectResult('/'))
  })

  // ---- JSON API: cookies ----

  router.get('/api/cookies', (ctx) => {
    reply(ctx, jsonResult(200, { cookies: { ...ctx.cookieJar.all() } }))
  })

  router.put('/api/cookies/:name', async (ctx) => {
    const name = ctx.params['name'] ?? ''
    const cookie = parseCookieToSet(name, await text(ctx))
    if (!cookie.ok) return reply(ctx, cookie.result)
    const { value, signed, options, secure } = cookie.value
    const attributes = { ...options, ...site.secure(ctx.cookieJar, secure) }
    try {
      if (signed) await ctx.cookieJar.setSigned(name, value, attributes)
      else ctx.cookieJar.set(name, value, attributes)
    } catch (error) {
      return reply(ctx, cookieErrorResult(error))
    }
    reply(ctx, noContent())
  })

  router.get('/api/cookies/:name', async (ctx) => {
    const name = ctx.params['name'] ?? ''
    const signed = parseSignedQuery(queryOf(ctx.originalUrl))
    if (!signed.ok) return reply(ctx, signed.result)
    try {
      const value = signed.value ? await ctx.cookieJar.getSigned(name) : ctx.cookieJar.get(name)
      reply(ctx, jsonResult(200, { value: value ?? null, valid: value !== undefined }))
    } catch (error) {
      reply(ctx, cookieErrorResult(error))
    }
  })

  router.delete('/api/cookies/:name', (ctx) => {
    const name = ctx.params['name'] ?? ''
    const cookie = parseCookieToDelete(name, queryOf(ctx.originalUrl))
    if (!cookie.ok) return reply(ctx, cookie.result)
    try {
      ctx.cookieJar.delete(name, { ...cookie.value, ...site.secure(ctx.cookieJar) })
    } catch (error) {
      return reply(ctx, cookieErrorResult(error))
    }
    reply(ctx, noContent())
  })

  // ---- JSON API: session and flash ----

  router.get('/api/session', (ctx) => {
    reply(ctx, jsonResult(200, { data: visibleData(ctx.session), isNew: ctx.session.isNew }))
  })

  router.patch('/api/session', async (ctx) => {
    const patch = parseSessionPatch(await text(ctx))
    if (!patch.ok) return reply(ctx, patch.result)
    for (const [key, value] of patch.value) {
      if (value === null) ctx.session.delete(key)
      else ctx.session.set(key, value)
    }
    // Committed now, so a session grown past its cookies is answered 413 here.
    const refused = await commitOrRefuse(() => commitSession(ctx))
    reply(ctx, refused ?? jsonResult(200, { data: visibleData(ctx.session) }))
  })

  router.post('/api/session/pop', async (ctx) => {
    const key = parsePopKey(await text(ctx))
    if (!key.ok) return reply(ctx, key.result)
    reply(ctx, jsonResult(200, { value: ctx.session.pop(key.value) ?? null }))
  })

  router.post('/api/session/regenerate', (ctx) => {
    ctx.session.regenerate()
    reply(ctx, noContent())
  })

  router.delete('/api/session', (ctx) => {
    ctx.session = null
    site.expireSessionCookie(ctx.cookieJar)
    reply(ctx, noContent())
  })

  router.post('/api/flash', async (ctx) => {
    const flash = parseFlash(await text(ctx))
    if (!flash.ok) return reply(ctx, flash.result)
    ctx.session.flash(flash.value.message, flash.value.category)
    reply(ctx, (await commitOrRefuse(() => commitSession(ctx))) ?? noContent())
  })

  router.get('/api/flash', (ctx) => {
    const flashes = ctx.session.consumeFlashes()
    const messages = flashes.map(({ category, message }) => ({ category, message }))
    reply(ctx, jsonResult(200, { messages }))
  })

  // ---- JSON API: login ----

  router.post('/api/login', async (ctx) => {
    const login = parseLogin(await text(ctx))
    if (!login.ok) return reply(ctx, login.result)
    const user = await site.users.verify(login.value.username, login.value.password)
    if (user === null)
      return reply(ctx, errorResult(401, 'UNAUTHORIZED', 'Wrong username or password'))
    ctx.session.regenerate()
    ctx.session.set(USER_KEY, user)
    reply(ctx, (await commitOrRefuse(() => commitSession(ctx))) ?? jsonResult(200, { user }))
  })

  router.get('/api/me', (ctx) => {
    const user = asUser(ctx.session.get(USER_KEY))
    reply(ctx, user ? jsonResult(200, { user }) : errorResult(401, 'UNAUTHORIZED', 'Not logged in'))
  })

  router.post('/api/logout', (ctx) => {
    ctx.session = null
    site.expireSessionCookie(ctx.cookieJar)
    reply(ctx, noContent())
  })

  router.post('/api/logout-everywhere', async (ctx) => {
    // Every session of the user goes from the store (SESSION_STORE), then this one with its cookie.
    const refused = await site.revokeEverywhere(asUser(ctx.session.get(USER_KEY)))
    if (refused) return reply(ctx, refused)
    ctx.session = null
    site.expireSessionCookie(ctx.cookieJar)
    reply(ctx, noContent())
  })

  app.use(router.routes())
  app.use((ctx) => send(ctx, notFoundResponse(ctx.method, ctx.path)))
  return app
}
