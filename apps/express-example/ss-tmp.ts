import { startServer as ex } from '../express-example/src/server.ts'
import { startServer as ho } from '../hono-example/src/server.ts'
import { startServer as ko } from '../koa-example/src/server.ts'
const env = { SESSION_SECRETS: 'a'.repeat(32) }
for (const start of [ex, ho, ko]) {
  const s = await start({ env, port: 0 })
  const r = await fetch(s.url + '/api/session')
  console.log(s.url, s.port, r.status, await r.text())
  await s.close()
}
for (const bad of [{ SESSION_FORMAT: 'flask', SESSION_SECRETS: 'x' }, { NODE_ENV: 'production' }, { SESSION_SECRETS: 'a'.repeat(32), COOKIE_SECURE: 'maybe' }]) {
  try { await ex({ env: bad }); console.log('started?!') } catch (e) { console.log('refused:', (e as Error).message) }
}
