// app/session.server.ts
import { type CookieJar, type Session, cookietin } from '@cookietin/fetch'
import { type MiddlewareFunction, createContext } from 'react-router'

export interface SessionData {
  user: string
  visits: number
}

export const sessions = cookietin<SessionData>({ secrets: process.env['SESSION_SECRET'] ?? '' })

export const sessionContext = createContext<Session<SessionData>>()
export const cookiesContext = createContext<CookieJar>()

/** Route middleware: every loader and action below it reads the session from `context`. */
export const sessionMiddleware: MiddlewareFunction<Response> = async (
  { request, context },
  next,
) => {
  const scope = await sessions.read(request)
  context.set(sessionContext, scope.session)
  context.set(cookiesContext, scope.cookies)
  return sessions.apply(scope, await next())
}
