import { createSessionCookie, readSessionCookie } from '@cookietin/core/testing'
import { type CookietinEnv, cookietin } from '@cookietin/hono'
import { Hono } from 'hono'
import { expect, test } from 'vitest'

// The app and its session options, as your own module would export them.
type Data = { user: string; cart: string[] }
const options = { secrets: 'a test-only secret, at least 32 bytes long' }
const app = new Hono<CookietinEnv<Data>>()
app.use(cookietin<Data>(options))
app.post('/cart/:item', (c) => {
  const session = c.get('session')
  if (!session.has('user')) return c.body(null, 401)
  session.set('cart', [...(session.get('cart') ?? []), c.req.param('item')])
  return c.json({ cart: session.get('cart') })
})
app.post('/logout', (c) => {
  c.get('session').destroy()
  return c.body(null, 204)
})

test('a logged-in user adds to the cart', async () => {
  // Logged in as alice without going through the login form.
  const cookie = await createSessionCookie({ ...options, data: { user: 'alice' } })
  const response = await app.request('/cart/tea', { method: 'POST', headers: { cookie } })
  expect(response.status).toBe(200)
  // The session the response leaves in the client: chunks joined, deletions applied.
  expect(await readSessionCookie(response.headers, options)).toEqual({
    user: 'alice',
    cart: ['tea'],
  })
})

test('logging out deletes the session', async () => {
  const cookie = await createSessionCookie({ ...options, data: { user: 'alice' } })
  const response = await app.request('/logout', { method: 'POST', headers: { cookie } })
  expect(response.status).toBe(204)
  expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^session=; Max-Age=0/)])
  expect(await readSessionCookie(response.headers, options)).toBeNull()
})
