/**
 * The suite's app again, as one plain fetch handler on `@cookietin/fetch` (no framework): what
 * `Bun.serve`, `Deno.serve`, srvx on Node and a Cloudflare Worker's `fetch` export call. The same
 * routes and answers as the Hono app in suite.ts, so the same scenario runs against both.
 */
import { type SessionOptions, isCookietinError } from '@cookietin/core'
import { type SessionContext, commitSession, cookietin } from '@cookietin/fetch'

type Handler = (request: Request, context: SessionContext) => Promise<Response>

const json = (body: unknown, status = 200) => Response.json(body, { status })
const unauthorized = (message: string) => json({ error: { code: 'UNAUTHORIZED', message } }, 401)

/** Keys starting with `_` are the app's own (`_user`): never shown, never written by the client. */
const visible = (data: Readonly<Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('_')))

function routes(users: Readonly<Record<string, string>>): Record<string, Handler> {
  return {
    'POST /login': async (request, { session }) => {
      const { username, password } = (await request.json()) as {
        username?: string
        password?: string
      }
      if (
        typeof username !== 'string' ||
        users[username] === undefined ||
        users[username] !== password
      )
        return unauthorized('Wrong username or password')
      session.regenerate()
      session.set('_user', username)
      session.flash(`Welcome, ${username}`)
      return json({ user: username })
    },
    'GET /me': async (_request, { session }) => {
      const user = session.get('_user')
      return typeof user === 'string' ? json({ user }) : unauthorized('Not logged in')
    },
    'GET /session': async (_request, { session }) =>
      json({ data: visible(session.data), isNew: session.isNew }),
    'PATCH /session': async (request, context) => {
      const body = (await request.json()) as Record<string, unknown>
      for (const [key, value] of Object.entries(body)) {
        if (value === null) context.session.delete(key)
        else context.session.set(key, value)
      }
      try {
        await commitSession(context)
      } catch (error) {
        if (isCookietinError(error) && error.code === 'SESSION_TOO_LARGE')
          return json({ error: { code: 'SESSION_TOO_LARGE', message: error.message } }, 413)
        throw error
      }
      return json({ data: visible(context.session.data) })
    },
    'POST /flash': async (request, { session }) => {
      const { message, category } = (await request.json()) as { message: string; category?: string }
      session.flash(message, category)
      return new Response(null, { status: 204 })
    },
    'GET /flash': async (_request, { session }) => json({ messages: session.consumeFlashes() }),
    'POST /logout': async (_request, { session }) => {
      session.destroy()
      return new Response(null, { status: 204 })
    },
  }
}

/** One fetch handler serving each format under `/<format>/...`, each with its own sessions. */
export function createFetchApp(
  formats: readonly string[],
  optionsFor: (format: string) => SessionOptions,
  users: Readonly<Record<string, string>>,
): (request: Request) => Promise<Response> {
  const table = routes(users)
  const handlers = new Map(
    formats.map((format) => {
      const sessions = cookietin(optionsFor(format))
      return [
        format,
        sessions.wrap((request, context: SessionContext, path: string) => {
          const route = table[`${request.method} ${path}`]
          return route ? route(request, context) : Promise.resolve(json({ error: 'none' }, 404))
        }),
      ] as const
    }),
  )
  return async (request) => {
    const { pathname } = new URL(request.url)
    const slash = pathname.indexOf('/', 1)
    const handler = slash > 0 ? handlers.get(pathname.slice(1, slash)) : undefined
    return handler ? handler(request, pathname.slice(slash)) : json({ error: 'none' }, 404)
  }
}
