// src/hooks.server.ts
import type { Handle } from '@sveltejs/kit'
import { sessions } from './lib/server/session'

export const handle: Handle = async ({ event, resolve }) => {
  const scope = await sessions.read(event.request)
  event.locals.session = scope.session
  event.locals.cookieJar = scope.cookies
  return sessions.apply(scope, await resolve(event))
}
