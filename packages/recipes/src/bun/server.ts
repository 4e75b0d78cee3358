// server.ts (bun run server.ts)
import { type BunRequest, serve } from 'bun'
import { cookietin } from '@cookietin/fetch'

const sessions = cookietin<{ visits: number; items: string[] }>({
  secrets: Bun.env['SESSION_SECRET'] ?? '',
})

const server = serve({
  port: 3000,
  routes: {
    '/api/visits': sessions.wrap(async (_request, { session }) => {
      const visits = (session.get('visits') ?? 0) + 1
      session.set('visits', visits)
      return Response.json({ visits })
    }),
    '/api/items/:id': {
      PUT: sessions.wrap(async (request: BunRequest<'/api/items/:id'>, { session }) => {
        session.set('items', [...(session.get('items') ?? []), request.params.id])
        return Response.json({ items: session.get('items') })
      }),
    },
  },
  fetch: sessions.wrap(async () => new Response('Not found', { status: 404 })),
})

console.log(`listening on ${server.url}`)
