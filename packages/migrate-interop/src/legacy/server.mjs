/* global process, console, URL */
// One app on the old library, run as its own process the way it ran before the switch (iron-session 9
// needs Node >= 22.13, so the tests start this file on Node 24 for it). Configured by LEGACY_CONFIG
// (JSON: library, keys, password, maxAge, ttl, secure, chunk, padding) and PORT; prints
// `listening <port> on <Node version>` when up.
//   GET /login?user=NAME  logs in, 303 to /      GET /  `user: NAME` or `user: none`      GET /logout
import { createServer } from 'node:http'

const config = JSON.parse(process.env.LEGACY_CONFIG ?? '{}')
const page = (user) => `user: ${typeof user === 'string' ? user : 'none'}`

async function cookieSessionApp() {
  const { default: express } = await import('express')
  const { default: cookieSession } = await import('cookie-session')
  const app = express()
  app.use(cookieSession({ name: 'session', keys: config.keys }))
  app.get('/login', (req, res) => {
    req.session.user = req.query.user
    res.redirect(303, '/')
  })
  app.get('/logout', (req, res) => {
    req.session = null
    res.redirect(303, '/')
  })
  app.get('/', (req, res) => res.type('text').send(page(req.session?.user)))
  return app
}

async function koaSessionApp() {
  const { default: Koa } = await import('koa')
  const { default: session } = await import('koa-session')
  const app = new Koa()
  app.keys = config.keys
  app.use(session({ maxAge: config.maxAge ?? 86_400_000 }, app))
  app.use((ctx) => {
    if (ctx.path === '/login') {
      ctx.session.user = ctx.query.user
      ctx.status = 303
      ctx.redirect('/')
    } else if (ctx.path === '/logout') {
      ctx.session = null
      ctx.status = 303
      ctx.redirect('/')
    } else ctx.body = page(ctx.session?.user)
  })
  return app.callback()
}

function ironSessionApp({ getIronSession }) {
  const options = {
    cookieName: 'iron',
    password: config.password,
    ...(config.ttl === undefined ? {} : { ttl: config.ttl }),
    cookieOptions: { secure: config.secure ?? true },
    ...(config.chunk ? { chunk: true } : {}),
  }
  return async (req, res) => {
    const session = await getIronSession(req, res, options)
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/login' || url.pathname === '/logout') {
      if (url.pathname === '/login') {
        session.user = url.searchParams.get('user')
        // Data enough to need iron-session 9's chunks.
        if (config.padding) session.padding = 'x'.repeat(config.padding)
        await session.save()
      } else session.destroy()
      res.writeHead(303, { location: '/' }).end()
      return
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(page(session.user))
  }
}

const apps = {
  'cookie-session': cookieSessionApp,
  'koa-session': koaSessionApp,
  'iron-session@8': async () => ironSessionApp(await import('iron-session-8')),
  'iron-session@9': async () => ironSessionApp(await import('iron-session')),
}

const server = createServer(await apps[config.library]())
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port} on ${process.version}`)
})
process.on('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
