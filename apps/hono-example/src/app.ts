/**
 * The example site on Hono. Every route is plain Hono on `@cookietin/hono`: the session is
 * `c.get('session')` (get, set, flash, regenerate, destroy), the request's cookies
 * `c.get('cookies')` (get, set, setSigned, getSigned, delete). What is not about sessions or
 * cookies comes from `@cookietin/site`, shared with the other example apps so all five answer
 * alike: the checks of each request body (`parse...`), the pages, the error shapes, the demo users
 * and the configuration.
 */
import { type CookietinEnv, commitSession, cookietin } from '@cookietin/hono'
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
import { Hono } from 'hono'

/** The adapter's variables and the request body, read once as text by the middleware below. */
type Env = { Variables: CookietinEnv['Variables'] & { body: string } }

const respond = ({ status, headers, body }: HttpResponse) => new Response(body, { status, headers })
const reply = (result: ActionResult) => respond(routeResponse(result))

export async function createApp(config: SiteConfig, options: SiteOptions = {}): Promise<Hono<Env>> {
  const site = createSite(config, options)
  // Strict (the default): `/api/session/` is not `/api/session`, as in the other two apps.
  const app = new Hono<Env>({ strict: true })

  app.use(async (c, next) => {
    const refused = checkRequestTarget(c.req.url)
    if (refused) return respond(refused)
    return next()
  })
  app.use(cookietin(await sessionOptions(config)))
  // Bodies are JSON whatever their Content-Type, forms, or nothing: read them as text (1 MiB at
  // most).
  app.use(async (c, next) => {
    // A web ReadableStream is async-iterable on Node.
    c.set('body', await readBody(c.req.raw.body as AsyncIterable<Uint8Array> | null))
    await next()
  })

  // ---- pages ----

  app.get('/', async (c) => {
    const session = c.get('session')
    const page = renderHomePage({
      user: asUser(session.get(USER_KEY)),
      preferences: readPreferences(c.get('cookies')),
      flashes: session.consumeFlashes(),
      held: await site.inspectHeld(c.get('cookies').all()), // the session cookies, opened
    })
    return reply(htmlResult(200, page))
  })

  app.get('/login', (c) => {
    const user = asUser(c.get('session').get(USER_KEY))
    return reply(
      htmlResult(200, renderLoginPage({ preferences: readPreferences(c.get('cookies')), user })),
    )
  })

  app.post('/login', async (c) => {
    const session = c.get('session')
    const { username, password } = parseLoginForm(c.get('body'))
    const preferences = readPreferences(c.get('cookies'))
    const user = await site.users.verify(username, password)
    if (user === null)
      return reply(loginFailed(username, preferences, asUser(session.get(USER_KEY))))
    session.regenerate() // a new identity on login: defeats session fixation
    session.set(USER_KEY, user)
    session.flash(`You are logged in as ${user}.`)
    const refused = await commitOrRefuse(() => commitSession(c))
    return reply(refused ? loginTooLarge(refused, preferences) : redirectResult('/'))
  })

  app.post('/logout', (c) => {
    c.get('session').destroy()
    site.expireSessionCookie(c.get('cookies'))
    return reply(redirectResult('/'))
  })

  app.get('/protected', (c) => {
    const user = asUser(c.get('session').get(USER_KEY))
    const page = renderProtectedPage(user, readPreferences(c.get('cookies')))
    return reply(htmlResult(user ? 200 : 401, page))
  })

  app.post('/preferences', (c) => {
    const cookies = c.get('cookies')
    const form = parsePreferencesForm(c.get('body'), readPreferences(cookies))
    if (!form.ok) return reply(form.result)
    const cookie = site.preferenceCookie(cookies)
    if (form.value.theme) cookies.set('theme', form.value.theme, cookie)
    if (form.value.lang) cookies.set('lang', form.value.lang, cookie)
    return reply(redirectResult('/'))
  })

  // ---- JSON API: cookies ----

  app.get('/api/cookies', (c) => reply(jsonResult(200, { cookies: { ...c.get('cookies').all() } })))

  app.put('/api/cookies/:name', async (c) => {
    const name = c.req.param('name')
    const cookies = c.get('cookies')
    const cookie = parseCookieToSet(name, c.get('body'))
    if (!cookie.ok) return reply(cookie.result)
    const { value, signed, options, secure } = cookie.value
    const attributes = { ...options, ...site.secure(cookies, secure) }
    try {
      if (signed) await cookies.setSigned(name, value, attributes)
      else cookies.set(name, value, attributes)
    } catch (error) {
      return reply(cookieErrorResult(error))
    }
    return reply(noContent())
  })

  app.get('/api/cookies/:name', async (c) => {
    const name = c.req.param('name')
    const cookies = c.get('cookies')
    const signed = parseSignedQuery(queryOf(c.req.url))
    if (!signed.ok) return reply(signed.result)
    try {
      const value = signed.value ? await cookies.getSigned(name) : cookies.get(name)
      return reply(jsonResult(200, { value: value ?? null, valid: value !== undefined }))
    } catch (error) {
      return reply(cookieErrorResult(error))
    }
  })

  app.delete('/api/cookies/:name', (c) => {
    const name = c.req.param('name')
    const cookies = c.get('cookies')
    const cookie = parseCookieToDelete(name, queryOf(c.req.url))
    if (!cookie.ok) return reply(cookie.result)
    try {
      cookies.delete(name, { ...cookie.value, ...site.secure(cookies) })
    } catch (error) {
      return reply(cookieErrorResult(error))
    }
    return reply(noContent())
  })

  // ---- JSON API: session and flash ----

  app.get('/api/session', (c) => {
    const session = c.get('session')
    return reply(jsonResult(200, { data: visibleData(session), isNew: session.isNew }))
  })

  app.patch('/api/session', async (c) => {
    const session = c.get('session')
    const patch = parseSessionPatch(c.get('body'))
    if (!patch.ok) return reply(patch.result)
    for (const [key, value] of patch.value) {
      if (value === null) session.delete(key)
      else session.set(key, value)
    }
    // Committed now, so a session grown past its cookies is answered 413 here.
    const refused = await commitOrRefuse(() => commitSession(c))
    return reply(refused ?? jsonResult(200, { data: visibleData(session) }))
  })

  app.post('/api/session/pop', (c) => {
    const key = parsePopKey(c.get('body'))
    if (!key.ok) return reply(key.result)
    return reply(jsonResult(200, { value: c.get('session').pop(key.value) ?? null }))
  })

  app.post('/api/session/regenerate', (c) => {
    c.get('session').regenerate()
    return reply(noContent())
  })

  app.delete('/api/session', (c) => {
    c.get('session').destroy()
    site.expireSessionCookie(c.get('cookies'))
    return reply(noContent())
  })

  app.post('/api/flash', async (c) => {
    const flash = parseFlash(c.get('body'))
    if (!flash.ok) return reply(flash.result)
    c.get('session').flash(flash.value.message, flash.value.category)
    return reply((await commitOrRefuse(() => commitSession(c))) ?? noContent())
  })

  app.get('/api/flash', (c) => {
    const flashes = c.get('session').consumeFlashes()
    const messages = flashes.map(({ category, message }) => ({ category, message }))
    return reply(jsonResult(200, { messages }))
  })

  // ---- JSON API: login ----

  app.post('/api/login', async (c) => {
    const session = c.get('session')
    const login = parseLogin(c.get('body'))
    if (!login.ok) return reply(login.result)
    const user = await site.users.verify(login.value.username, login.value.password)
    if (user === null) return reply(errorResult(401, 'UNAUTHORIZED', 'Wrong username or password'))
    session.regenerate()
    session.set(USER_KEY, user)
    return reply((await commitOrRefuse(() => commitSession(c))) ?? jsonResult(200, { user }))
  })

  app.get('/api/me', (c) => {
    const user = asUser(c.get('session').get(USER_KEY))
    return reply(
      user ? jsonResult(200, { user }) : errorResult(401, 'UNAUTHORIZED', 'Not logged in'),
    )
  })

  app.post('/api/logout', (c) => {
    c.get('session').destroy()
    site.expireSessionCookie(c.get('cookies'))
    return reply(noContent())
  })

  app.post('/api/logout-everywhere', async (c) => {
    // Every session of the user goes from the store (SESSION_STORE), then this one with its cookie.
    const refused = await site.revokeEverywhere(asUser(c.get('session').get(USER_KEY)))
    if (refused) return reply(refused)
    c.get('session').destroy()
    site.expireSessionCookie(c.get('cookies'))
    return reply(noContent())
  })

  app.notFound((c) => respond(notFoundResponse(c.req.method, c.req.path)))
  app.onError((error) => respond(site.failure(error)))
  return app
}
