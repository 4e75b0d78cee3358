// app/api/visits/route.ts
import { sessions } from '../../../lib/session'

export const GET = sessions.wrap(async (_request, { session }) => {
  const visits = (session.get('visits') ?? 0) + 1
  session.set('visits', visits)
  return Response.json({ visits, user: session.get('user') ?? null })
})
