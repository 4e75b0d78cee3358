import { createSessionCookie, readSessionCookie } from '@cookietin/core/testing'
import { cookietin } from '@cookietin/express'
import express from 'express'
import request from 'supertest'
import { expect, test } from 'vitest'

declare module '@cookietin/express' {
  interface SessionData {
    user: string
    cart: string[]
  }
}

// The app and its session options, as your own module would export them.
const options = { secrets: 'a test-only secret, at least 32 bytes long' }
const app = express()
app.use(cookietin(options))
app.post('/cart/:item', (req, res) => {
  if (!req.session.has('user')) {
    res.sendStatus(401)
    return
  }
  req.session.set('cart', [...(req.session.get('cart') ?? []), req.params.item])
  res.json({ cart: req.session.get('cart') })
})
app.post('/logout', (req, res) => {
  req.session.destroy()
  res.sendStatus(204)
})

test('a logged-in user adds to the cart', async () => {
  // Logged in as alice without going through the login form.
  const cookie = await createSessionCookie({ ...options, data: { user: 'alice' } })
  const response = await request(app).post('/cart/tea').set('Cookie', cookie).expect(200)
  // The session the response leaves in the client: chunks joined, deletions applied.
  expect(await readSessionCookie(response.get('Set-Cookie'), options)).toEqual({
    user: 'alice',
    cart: ['tea'],
  })
})

test('logging out deletes the session', async () => {
  const cookie = await createSessionCookie({ ...options, data: { user: 'alice' } })
  const response = await request(app).post('/logout').set('Cookie', cookie).expect(204)
  expect(response.get('Set-Cookie')).toEqual([expect.stringMatching(/^session=; Max-Age=0/)])
  expect(await readSessionCookie(response.get('Set-Cookie'), options)).toBeNull()
})
