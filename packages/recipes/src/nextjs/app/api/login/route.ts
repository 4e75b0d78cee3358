// app/api/login/route.ts
import type { NextRequest } from 'next/server'
import { sessions } from '../../../lib/session'

export const POST = sessions.wrap(async (request: NextRequest, { session }) => {
  const form = await request.formData()
  const user = form.get('user')
  if (typeof user !== 'string' || user === '')
    return Response.json({ error: 'user is required' }, { status: 400 })
  session.regenerate() // a new session value at login
  session.set('user', user)
  // Response.redirect's headers are immutable: the cookie goes on a copy.
  return Response.redirect(new URL('/', request.nextUrl), 303)
})
