import type { SessionOptions } from '@cookietin/core'
import { cookietin as forExpress } from '@cookietin/express'
import { type CookietinEnv, cookietin as forHono } from '@cookietin/hono'
import { cookietin as forKoa } from '@cookietin/koa'
import { createAdaptorServer } from '@hono/node-server'
import express from 'express'
import { Hono } from 'hono'
import Koa from 'koa'
import { type Running, listenOn, page } from './server.ts'

export const ADAPTERS = ['express', 'koa', 'hono'] as const
export type Adapter = (typeof ADAPTERS)[number]

/**
 * The same app as the old one (`GET /` says who is logged in, `GET /logout`), on cookietin with
 * `options` (`migrateFrom` among them), through one adapter, on `port` or a free one.
 */
export function startCookietin(
  adapter: Adapter,
  options: SessionOptions,
  port = 0,
): Promise<Running> {
  if (adapter === 'express') {
    const app = express()
    app.use(forExpress(options))
    app.get('/logout', (req, res) => {
      req.session.destroy()
      res.redirect(303, '/')
    })
    app.get('/', (req, res) => {
      res.type('text').send(page(req.session.get('user')))
    })
    return listenOn(app, port)
  }
  if (adapter === 'koa') {
    const app = new Koa()
    app.use(forKoa(options))
    app.use((ctx) => {
      if (ctx.path === '/logout') {
        ctx.session = null
        ctx.status = 303
        ctx.redirect('/')
      } else ctx.body = page(ctx.session.get('user'))
    })
    return listenOn(app.callback(), port)
  }
  const app = new Hono<CookietinEnv>()
  app.use(forHono(options))
  app.get('/logout', (c) => {
    c.get('session').destroy()
    return c.redirect('/', 303)
  })
  app.get('/', (c) => c.text(page(c.get('session').get('user'))))
  return listenOn(createAdaptorServer({ fetch: app.fetch }), port)
}
