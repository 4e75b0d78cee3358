/**
 * A plain fetch handler on Node through srvx's node:http adapter: bare, the floor as a handler
 * wrapper (signed, sealed), @cookietin/fetch (signed, sealed), and Hono's signed-cookie functions
 * (`hono/utils/cookie`, Web Crypto HMAC) used the same way, the peer a fetch handler reaches for.
 */
import type { RequestListener } from 'node:http'
import { cookietin } from '@cookietin/fetch'
import { parseSigned, serializeSigned } from 'hono/utils/cookie'
import type { NodeHttp1Handler } from 'srvx'
import { toNodeHandler } from 'srvx/node'
import { type FloorSession, createFloor } from '../../floor.ts'
import { LOAD_MAX_AGE, LOAD_SECRET } from '../configs.ts'
import { count } from '../counters.ts'

type Handler = (request: Request) => Response | Promise<Response>

const text = (n: number) => new Response(String(n), { headers: { 'content-type': 'text/plain' } })

function handlerFor(library: string): Handler {
  switch (library) {
    case 'bare':
      return () => {
        count(false)
        return text(1)
      }
    case 'floor-signed':
    case 'floor-sealed': {
      // The floor as a handler wrapper: the cookie read before the handler, Set-Cookie appended to
      // its Response after, what any session layer over a fetch handler must do.
      const floor = createFloor(
        library === 'floor-signed' ? 'signed' : 'sealed',
        LOAD_SECRET,
        LOAD_MAX_AGE,
      )
      const route = (session: { current: FloorSession | undefined }) => {
        const prev = session.current?.n
        const n = (prev ?? 0) + 1
        session.current = { n }
        count(prev !== undefined)
        return text(n)
      }
      return (request) => {
        const session = { current: floor.read(request.headers.get('cookie') ?? undefined) }
        const response = route(session)
        if (session.current) response.headers.append('set-cookie', floor.write(session.current))
        return response
      }
    }
    case 'cookietin-signed':
    case 'cookietin-sealed':
      return cookietin<{ n: number }>({
        secrets: [LOAD_SECRET],
        format: library === 'cookietin-signed' ? 'signed' : 'sealed',
        permanent: true,
        maxAge: LOAD_MAX_AGE,
      }).wrap((_request, { session }) => {
        const prev = session.get('n')
        const n = (prev ?? 0) + 1
        session.set('n', n)
        count(prev !== undefined)
        return text(n)
      })
    case 'hono-signed-cookie':
      return async (request) => {
        const cookies = await parseSigned(
          request.headers.get('cookie') ?? '',
          LOAD_SECRET,
          'session',
        )
        const raw = cookies['session']
        const prev = typeof raw === 'string' ? (JSON.parse(raw) as { n: number }).n : undefined
        const n = (prev ?? 0) + 1
        count(prev !== undefined)
        const response = text(n)
        response.headers.append(
          'set-cookie',
          await serializeSigned('session', JSON.stringify({ n }), LOAD_SECRET, {
            path: '/',
            httpOnly: true,
            sameSite: 'Lax',
            maxAge: LOAD_MAX_AGE,
          }),
        )
        return response
      }
    default:
      throw new Error(`fetch: unknown library ${library}`)
  }
}

export function createListener(library: string): RequestListener {
  // srvx types its handler for HTTP/1 or HTTP/2; this server is HTTP/1.
  const listener = toNodeHandler(handlerFor(library)) as NodeHttp1Handler
  return (req, res) => {
    void listener(req, res)
  }
}
