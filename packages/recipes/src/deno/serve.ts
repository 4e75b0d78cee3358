// serve.ts (deno run --allow-net --allow-env serve.ts): the same, with Deno.serve
import { cookietin } from '@cookietin/fetch'

const sessions = cookietin<{ visits: number }>({
  secrets: Deno.env.get('SESSION_SECRET') ?? '',
})

Deno.serve(
  { port: 8000 },
  sessions.wrap(async (request, { session }, info: Deno.ServeHandlerInfo) => {
    const visits = (session.get('visits') ?? 0) + 1
    session.set('visits', visits)
    const { pathname } = new URL(request.url)
    return Response.json({ visits, pathname, transport: info.remoteAddr.transport })
  }),
)
