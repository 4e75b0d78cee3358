import { MemoryStore, type SessionStore } from '@cookietin/core'
import { cookietin } from '@cookietin/express'
import { listen } from '@cookietin/testkit'
import express from 'express'
import { describe, expect, test } from 'vitest'
import { Browser } from './client.ts'

const SECRET = 'an express store test secret of 32+ bytes'

/** With a store the commit is asynchronous: the response is held until the store has the session. */
describe('Express with a session store', () => {
  test('the session round-trips through the store; the cookie is only an id', async () => {
    const store = new MemoryStore()
    const app = express()
    app.use(cookietin({ secrets: SECRET, store }))
    app.post('/set', (req, res) => {
      req.session.set('blob', 'x'.repeat(20_000))
      res.json({ ok: true })
    })
    app.get('/read', (req, res) => res.json({ size: String(req.session.get('blob') ?? '').length }))
    const server = await listen(app)
    try {
      const browser = new Browser(server.url)
      const set = await browser.fetch('/set', { method: 'POST' })
      expect(set.status).toBe(200)
      expect(set.setCookie).toHaveLength(1)
      expect(set.setCookie[0]!.length).toBeLessThan(250)
      const read = await browser.fetch('/read')
      expect(JSON.parse(read.text_)).toEqual({ size: 20_000 })
      expect(store.size).toBe(1)
    } finally {
      await server.close()
    }
  })

  test('a store that fails: the error handler answers, no cookie is deleted, nothing hangs', async () => {
    const down: SessionStore = {
      get: () => Promise.reject(new Error('down')),
      write: () => Promise.reject(new Error('down')),
      destroy: () => Promise.reject(new Error('down')),
    }
    const app = express()
    app.use(cookietin({ secrets: SECRET, store: down, storeTimeout: 200 }))
    app.get('/read', (req, res) => res.json({ data: req.session.data }))
    app.use(
      (error: { code?: string }, _req: express.Request, res: express.Response, _next: unknown) => {
        res.status(error.code === 'STORE_UNAVAILABLE' ? 503 : 500).json({ code: error.code })
      },
    )
    const server = await listen(app)
    try {
      const browser = new Browser(server.url)
      // A forged-looking id cookie fails to decode and reads as new: no store call, 200.
      const fresh = await browser.fetch('/read')
      expect(fresh.status).toBe(200)
      const store = new MemoryStore()
      const working = express()
      working.use(cookietin({ secrets: SECRET, store }))
      working.post('/set', (req, res) => {
        req.session.set('count', 1)
        res.end()
      })
      const other = await listen(working)
      const first = await new Browser(other.url).fetch('/set', { method: 'POST' })
      await other.close()
      const cookie = first.setCookie[0]!.split(';')[0]!
      const failed = await browser.fetch('/read', { headers: { cookie } })
      expect(failed.status).toBe(503)
      expect(failed.setCookie).toEqual([])
    } finally {
      await server.close()
    }
  })
})
