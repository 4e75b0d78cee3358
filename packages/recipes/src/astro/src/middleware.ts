// src/middleware.ts
import { defineMiddleware } from 'astro:middleware'
import { sessions } from './lib/session'

export const onRequest = defineMiddleware(async (context, next) => {
  const scope = await sessions.read(context.request)
  context.locals.session = scope.session
  context.locals.cookieJar = scope.cookies
  return sessions.apply(scope, await next())
})
