/**
 * Express 5: bare, the floor as an Express middleware (signed, sealed), @cookietin/express (signed,
 * sealed), cookie-session, express-session (MemoryStore). The three libraries each declare their
 * own `req.session` type, so the routes read it through `SessionLike`.
 */
import { type RequestListener, ServerResponse } from 'node:http'
import { cookietin } from '@cookietin/express'
import cookieSession from 'cookie-session'
import express, { type Express, type Request, type RequestHandler } from 'express'
import expressSession from 'express-session'
import { type Floor, type FloorSession, createFloor } from '../../floor.ts'
import { LOAD_MAX_AGE, LOAD_SECRET } from '../configs.ts'
import { count } from '../counters.ts'

const FLOOR = Symbol('floor session')
type FloorRequest = Request & { [FLOOR]?: FloorSession | undefined }

/**
 * The floor as Express middleware: the cookie read and verified onto `req` before the route, the
 * Set-Cookie written when the response's headers go out, after the route has decided. Express sends
 * headers from inside the route (`res.send`), so a session middleware must hook the write: here
 * once, on the app's response prototype (as @cookietin/express does), since a closure per request
 * is a cost of some middlewares, not of the task.
 */
function floorSession(app: Express, floor: Floor): RequestHandler {
  const response = app.response as unknown as ServerResponse & { req: FloorRequest }
  response.writeHead = function (this: typeof response, ...args: unknown[]) {
    const session = this.req[FLOOR]
    if (session) this.setHeader('set-cookie', floor.write(session))
    // Express defines no writeHead of its own: the next one up is Node's.
    return ServerResponse.prototype.writeHead.apply(this, args as [number])
  } as typeof response.writeHead
  return (req, _res, next) => {
    ;(req as FloorRequest)[FLOOR] = floor.read(req.headers.cookie)
    next()
  }
}

type Plain = { n?: number }
type Dict = { get(key: string): unknown; set(key: string, value: unknown): unknown }
const sessionOf = (req: Request) => (req as unknown as { session: unknown }).session

export function createListener(library: string): RequestListener {
  const app = express()
  app.disable('x-powered-by')
  app.disable('etag')
  switch (library) {
    case 'bare':
      app.get('/', (_req, res) => {
        count(false)
        res.type('text/plain').send('1')
      })
      break
    case 'floor-signed':
    case 'floor-sealed':
      app.use(
        floorSession(
          app,
          createFloor(library === 'floor-signed' ? 'signed' : 'sealed', LOAD_SECRET, LOAD_MAX_AGE),
        ),
      )
      app.get('/', (req, res) => {
        const prev = (req as FloorRequest)[FLOOR]?.n
        const n = (prev ?? 0) + 1
        ;(req as FloorRequest)[FLOOR] = { n }
        count(prev !== undefined)
        res.type('text/plain').send(String(n))
      })
      break
    case 'cookietin-signed':
    case 'cookietin-sealed':
      app.use(
        cookietin({
          secrets: [LOAD_SECRET],
          format: library === 'cookietin-signed' ? 'signed' : 'sealed',
          permanent: true,
          maxAge: LOAD_MAX_AGE,
        }),
      )
      app.get('/', (req, res) => {
        const session = sessionOf(req) as Dict
        const prev = session.get('n') as number | undefined
        const n = (prev ?? 0) + 1
        session.set('n', n)
        count(prev !== undefined)
        res.type('text/plain').send(String(n))
      })
      break
    case 'cookie-session':
    case 'express-session':
      if (library === 'cookie-session') {
        app.use(
          cookieSession({
            name: 'session',
            keys: [LOAD_SECRET],
            maxAge: LOAD_MAX_AGE * 1000,
            httpOnly: true,
            sameSite: 'lax',
          }),
        )
      } else {
        // rolling: without it express-session sends no Set-Cookie for a known session id, and the
        // benchmark wants every response to carry one. MemoryStore is its default (and only
        // built-in) store.
        app.use(
          expressSession({
            name: 'session',
            secret: LOAD_SECRET,
            resave: false,
            saveUninitialized: false,
            rolling: true,
            cookie: { maxAge: LOAD_MAX_AGE * 1000, httpOnly: true, sameSite: 'lax' },
          }),
        )
      }
      app.get('/', (req, res) => {
        const session = sessionOf(req) as Plain
        const prev = session.n
        const n = (prev ?? 0) + 1
        session.n = n
        count(prev !== undefined)
        res.type('text/plain').send(String(n))
      })
      break
    default:
      throw new Error(`express: unknown library ${library}`)
  }
  return app
}
