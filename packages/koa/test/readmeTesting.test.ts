import { createSessionCookie, readSessionCookie } from '@cookietin/core/testing'
import { cookietin } from '@cookietin/koa'
import Koa from 'koa'
import request from 'supertest'
import { expect, test } from 'vitest'

declare module '@cookietin/koa' {
  interface SessionData {
    user: string
    cart: string[]
  }
}

// The app and its session options, as your own module would export them.
const options = { secrets: 'a test-only secret, at least 32 bytes long' }
const app = new Koa()
app.use(cookietin(options))
app.use((ctx) => {
  const item = /^\/cart\/(\w+)$/.exec(ctx.path)?.[1]
  if (ctx.method === 'POST' && item) {
    if (!ctx.session.has('user')) ctx.throw(401)
    ctx.session.set('cart', [...(ctx.session.get('cart') ?? []), item])
    ctx.body = { cart: ctx.session.get('cart') }
  } else if (ctx.method === 'POST' && ctx.path === '/logout') {
    ctx.session = null
    ctx.status = 204
  }
})

test('a logged-in user adds to the cart', async () => {
  // Logged in as alice without going through the login form.
  const cookie = await createSessionCookie({ ...options, data: { user: 'alice' } })
  const response = await request(app.callback()).post('/cart/tea').set('Cookie', cookie).expect(200)
  // The session the response leaves in the client: chunks joined, deletions applied.
  expect(await readSessionCookie(response.get('Set-Cookie'), options)).toEqual({
    user: 'alice',
    cart: ['tea'],
  })
})

test('logging out deletes the session', async () => {
  const cookie = await createSessionCookie({ ...options, data: { user: 'alice' } })
  const response = await request(app.callback()).post('/logout').set('Cookie', cookie).expect(204)
  expect(response.get('Set-Cookie')).toEqual([expect.stringMatching(/^session=; Max-Age=0/)])
  expect(await readSessionCookie(response.get('Set-Cookie'), options)).toBeNull()
})
