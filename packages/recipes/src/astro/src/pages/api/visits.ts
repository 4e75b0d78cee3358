// src/pages/api/visits.ts
import type { APIRoute } from 'astro'

export const prerender = false // sessions need the request: render on demand

export const GET: APIRoute = ({ locals }) => {
  const visits = (locals.session.get('visits') ?? 0) + 1
  locals.session.set('visits', visits)
  return Response.json({ visits, user: locals.session.get('user') ?? null })
}
