import type { Cookie } from 'tough-cookie'
import { expect } from 'vitest'
import { type Client, isDeletion, type Reply } from './client.ts'
import { USERS } from './constants.ts'

/** Asserts the status and a JSON body; returns the body. */
export function expectJson<T = unknown>(reply: Reply, status: number): T {
  expect(reply.status, reply.summary).toBe(status)
  expect(reply.contentType, reply.summary).toMatch(/^application\/json\b/i)
  return reply.json<T>()
}

/** Asserts a status with no body worth reading (204, 303). */
export function expectStatus(reply: Reply, status: number): void {
  expect(reply.status, reply.summary).toBe(status)
}

/**
 * A refused request: the status, `{"error": {"code", "message"}}`, and nothing changed, so no
 * Set-Cookie at all ("A refused request (any 4xx) changes nothing in the session or the cookies").
 */
export function expectError(reply: Reply, status: number, code: string | readonly string[]): void {
  const body = expectJson<{ error?: { code?: unknown; message?: unknown } }>(reply, status)
  const codes = typeof code === 'string' ? [code] : code
  expect(codes, reply.summary).toContain(body.error?.code)
  expect(typeof body.error?.message, `error.message must be a string: ${reply.summary}`).toBe(
    'string',
  )
  expectNoSetCookie(reply)
}

/** Any 4xx with a JSON error body: for inputs where the contract leaves the exact code open. */
export function expectClientError(reply: Reply): void {
  expect(reply.status, reply.summary).toBeGreaterThanOrEqual(400)
  expect(reply.status, reply.summary).toBeLessThan(500)
  const body = expectJson<{ error?: { code?: unknown } }>(reply, reply.status)
  expect(typeof body.error?.code, reply.summary).toBe('string')
  expectNoSetCookie(reply)
}

export function expectNoSetCookie(reply: Reply): void {
  expect(reply.setCookie, `expected no Set-Cookie: ${reply.summary}`).toEqual([])
}

export function expectVaryCookie(reply: Reply): void {
  expect(reply.vary, `expected Vary: Cookie: ${reply.summary}`).toContain('cookie')
}

/** The cookies of a session named `name` in a response: `name`, `name.0`, `name.1`, ... */
export function sessionCookiesOf(reply: Reply, name = 'session'): Cookie[] {
  return reply.cookies.filter(
    (cookie) =>
      cookie.key === name || new RegExp(`^${escapeRegExp(name)}\\.\\d+$`).test(cookie.key),
  )
}

/** Session cookies the response sets (not deletes). */
export function sessionSetsOf(reply: Reply, name = 'session'): Cookie[] {
  return sessionCookiesOf(reply, name).filter((cookie) => !isDeletion(cookie))
}

export interface SessionCookieExpectation {
  maxAge?: number
  secure?: boolean
}

/**
 * The session cookie's attributes (docs/contract.md): HttpOnly, Path=/, SameSite=Lax, Max-Age,
 * Secure per COOKIE_SECURE.
 */
export function expectSessionAttributes(
  cookie: Cookie,
  expected: SessionCookieExpectation = {},
): void {
  const line = cookie.toString()
  expect(cookie.httpOnly, `HttpOnly on ${line}`).toBe(true)
  expect(cookie.path, `Path=/ on ${line}`).toBe('/')
  expect(cookie.sameSite, `SameSite=Lax on ${line}`).toBe('lax')
  expect(cookie.domain ?? null, `no Domain on ${line}`).toBeNull()
  if (expected.maxAge !== undefined)
    expect(cookie.maxAge, `Max-Age on ${line}`).toBe(expected.maxAge)
  if (expected.secure !== undefined)
    expect(cookie.secure, `Secure on ${line}`).toBe(expected.secure)
}

/**
 * Asserts the response sets the session (at least one session cookie, each with the session
 * attributes).
 */
export function expectSessionSet(
  reply: Reply,
  expected: SessionCookieExpectation & { name?: string } = {},
): Cookie[] {
  const set = sessionSetsOf(reply, expected.name)
  expect(set.length, `expected a session Set-Cookie: ${reply.summary}`).toBeGreaterThan(0)
  for (const cookie of set) expectSessionAttributes(cookie, expected)
  return set
}

/**
 * Asserts every session cookie the client held is deleted by this response, with Path=/ so it
 * matches.
 */
export function expectSessionDeleted(reply: Reply, held: readonly string[]): void {
  const deleted = sessionCookiesOf(reply).filter(isDeletion)
  for (const name of held) {
    const cookie = deleted.find((c) => c.key === name)
    expect(cookie, `expected ${name} to be deleted: ${reply.summary}`).toBeDefined()
    expect(cookie?.path, `deletion of ${name} must carry Path=/`).toBe('/')
  }
  expect(
    sessionSetsOf(reply),
    `no session cookie may be set by a deletion: ${reply.summary}`,
  ).toEqual([])
}

// ---- flows used by many scenarios ----

export interface SessionView {
  data: Record<string, unknown>
  isNew: boolean
}

export async function readSession(client: Client): Promise<SessionView> {
  const reply = await client.get('/api/session')
  const body = expectJson<SessionView>(reply, 200)
  expect(typeof body.isNew, reply.summary).toBe('boolean')
  expect(
    body.data !== null && typeof body.data === 'object' && !Array.isArray(body.data),
    reply.summary,
  ).toBe(true)
  return body
}

export async function patchSession(
  client: Client,
  changes: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const reply = await client.patch('/api/session', { json: changes })
  return expectJson<{ data: Record<string, unknown> }>(reply, 200).data
}

export async function apiLogin(
  client: Client,
  username: keyof typeof USERS = 'alice',
): Promise<Reply> {
  const reply = await client.post('/api/login', { json: { username, password: USERS[username] } })
  expect(expectJson(reply, 200), reply.summary).toEqual({ user: username })
  return reply
}

/** The logged-in user per `GET /api/me`, or null on 401. */
export async function whoAmI(client: Client): Promise<string | null> {
  const reply = await client.get('/api/me')
  if (reply.status === 401) {
    expectError(reply, 401, 'UNAUTHORIZED')
    return null
  }
  return expectJson<{ user: string }>(reply, 200).user
}

export async function postFlash(client: Client, message: string, category?: string): Promise<void> {
  const reply = await client.post('/api/flash', {
    json: category === undefined ? { message } : { message, category },
  })
  expectStatus(reply, 204)
}

export async function readFlashes(
  client: Client,
): Promise<Array<{ category: string; message: string }>> {
  const reply = await client.get('/api/flash')
  return expectJson<{ messages: Array<{ category: string; message: string }> }>(reply, 200).messages
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
