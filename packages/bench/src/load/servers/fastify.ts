/**
 * Fastify 5: bare, the floor as Fastify hooks (signed, sealed), @cookietin/fastify (signed and
 * sealed), @fastify/secure-session (the session sealed with libsodium's secretbox) and
 * @fastify/session (MemoryStore, the id in a signed cookie, with @fastify/cookie).
 */
import { createServer, type RequestListener } from 'node:http'
import { hkdfSync } from 'node:crypto'
import { cookietin } from '@cookietin/fastify'
import fastifyCookie from '@fastify/cookie'
import fastifySecureSession from '@fastify/secure-session'
import fastifySession from '@fastify/session'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { type FloorSession, createFloor } from '../../floor.ts'
import { LOAD_MAX_AGE, LOAD_SECRET } from '../configs.ts'
import { count } from '../counters.ts'

const FLOOR = Symbol('floor session')
type FloorRequest = FastifyRequest & { [FLOOR]: FloorSession | undefined | null }

/** The three session plugins all name their request property `session`: read it untyped. */
type Dict = { get(key: string): unknown; set(key: string, value: unknown): void }
const sessionOf = (request: FastifyRequest) => (request as unknown as { session: Dict }).session

/** Registers the route every server answers: count the session it found, write n + 1. */
function sessionRoute(app: FastifyInstance): void {
  app.get('/', (request, reply) => {
    const session = sessionOf(request)
    const prev = session.get('n') as number | undefined
    const n = (prev ?? 0) + 1
    session.set('n', n)
    count(prev !== undefined)
    void reply.type('text/plain').send(String(n))
  })
}

async function build(library: string, app: FastifyInstance): Promise<void> {
  switch (library) {
    case 'bare':
      app.get('/', (_request, reply) => {
        count(false)
        void reply.type('text/plain').send('1')
      })
      return
    case 'floor-signed':
    case 'floor-sealed': {
      // The floor as Fastify hooks: read and verified in onRequest, Set-Cookie written in onSend,
      // on a request decorator declared once, as any Fastify session plugin must do it.
      const floor = createFloor(
        library === 'floor-signed' ? 'signed' : 'sealed',
        LOAD_SECRET,
        LOAD_MAX_AGE,
      )
      app.decorateRequest(FLOOR, null)
      app.addHook('onRequest', (request, _reply, done) => {
        ;(request as FloorRequest)[FLOOR] = floor.read(request.headers.cookie)
        done()
      })
      app.addHook('onSend', (request, reply, payload, done) => {
        const session = (request as FloorRequest)[FLOOR]
        if (session) void reply.header('set-cookie', floor.write(session))
        done(null, payload)
      })
      app.get('/', (request, reply) => {
        const r = request as FloorRequest
        const prev = r[FLOOR]?.n
        const n = (prev ?? 0) + 1
        r[FLOOR] = { n }
        count(prev !== undefined)
        void reply.type('text/plain').send(String(n))
      })
      return
    }
    case 'cookietin-signed':
    case 'cookietin-sealed':
      await app.register(cookietin, {
        secrets: [LOAD_SECRET],
        format: library === 'cookietin-signed' ? 'signed' : 'sealed',
        permanent: true,
        maxAge: LOAD_MAX_AGE,
      })
      sessionRoute(app)
      return
    case 'secure-session':
      await app.register(fastifySecureSession, {
        key: Buffer.from(hkdfSync('sha256', LOAD_SECRET, '', 'secure-session', 32)),
        cookieName: 'session',
        expiry: LOAD_MAX_AGE,
        cookie: { path: '/', httpOnly: true, sameSite: 'lax', maxAge: LOAD_MAX_AGE },
      })
      sessionRoute(app)
      return
    case 'session':
      await app.register(fastifyCookie)
      await app.register(fastifySession, {
        secret: LOAD_SECRET,
        cookieName: 'session',
        saveUninitialized: false,
        cookie: {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: false,
          maxAge: LOAD_MAX_AGE * 1000,
        },
      })
      sessionRoute(app)
      return
    default:
      throw new Error(`fastify: unknown library ${library}`)
  }
}

export async function createListener(library: string): Promise<RequestListener> {
  let listener: RequestListener | undefined
  // The load server owns the node:http server; Fastify hands over its request listener.
  const app = Fastify({
    serverFactory: (handler) => {
      listener = handler
      return createServer(handler)
    },
  })
  await build(library, app)
  await app.ready()
  if (!listener) throw new Error('fastify: no request listener')
  return listener
}
