// main.ts (deno serve --allow-env main.ts), with `deno add npm:@cookietin/fetch`
import { cookietin } from '@cookietin/fetch'

const sessions = cookietin<{ visits: number }>({
  secrets: Deno.env.get('SESSION_SECRET') ?? '',
})

export default {
  fetch: sessions.wrap(async (_request, { session }) => {
    const visits = (session.get('visits') ?? 0) + 1
    session.set('visits', visits)
    return Response.json({ visits })
  }),
} satisfies Deno.ServeDefaultExport
