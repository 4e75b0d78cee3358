/**
 * The framework-free edges of a request: reading its body within a limit, parsing JSON and forms
 * without ever throwing, and turning an action's result into a status, headers and a body that each
 * app writes out as it is. Doing all of it here is what makes the apps answer byte for byte alike.
 */
// Imported, not the global: the fetch example runs this on Deno too, which has no global Buffer.
import { Buffer } from 'node:buffer'
import { isCookietinError } from '@cookietin/core'
import { renderRedirectPage } from './html.ts'
import { stringifyJson } from './json.ts'

/**
 * Error codes of the JSON API (docs/contract.md). `INTERNAL_ERROR` is a server bug, never client
 * input.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_COOKIE'
  | 'COOKIE_TOO_LARGE'
  | 'SESSION_TOO_LARGE'
  | 'RESERVED_KEY'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'STORE_UNAVAILABLE'
  | 'STORE_REQUIRED'
  | 'INTERNAL_ERROR'

/** What an action answers; `toHttpResponse` turns it into headers and a body. */
export interface ActionResult {
  status: number
  /** A JSON body. */
  json?: unknown
  /** An HTML page. */
  html?: string
  /** `Location` of a redirect (303 unless `status` says otherwise). */
  redirect?: string
  /** Extra response headers. */
  headers?: Readonly<Record<string, string>>
}

/** A response ready to write: every app sends exactly this. `body` is null for 204. */
export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: string | null
}

/** The largest request body read; larger ones are refused with 413 before any route runs. */
export const MAX_BODY_BYTES = 1 << 20

export function errorResult(status: number, code: ErrorCode, message: string): ActionResult {
  return { status, json: { error: { code, message } } }
}

export const noContent = (): ActionResult => ({ status: 204 })

/** A page refused with 4xx, still HTML. */
export const htmlResult = (status: number, html: string): ActionResult => ({ status, html })

const BASE_HEADERS: Readonly<Record<string, string>> = {
  // Every answer depends on the session or the cookies: no shared cache may keep one.
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
}

const HTML_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  // The pages use no script, no frame and post forms only to this site.
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'same-origin',
}

/** Status, headers and body of an action's result. */
export function toHttpResponse(result: ActionResult): HttpResponse {
  const headers: Record<string, string> = { ...BASE_HEADERS }
  let body: string | null = null
  let status = result.status
  if (result.redirect !== undefined) {
    if (status < 300 || status > 399) status = 303
    Object.assign(headers, HTML_HEADERS, { Location: result.redirect })
    body = renderRedirectPage(result.redirect)
  } else if (result.html !== undefined) {
    Object.assign(headers, HTML_HEADERS)
    body = result.html
  } else if (result.json !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8'
    body = stringifyJson(result.json)
  }
  Object.assign(headers, result.headers)
  return { status, headers, body }
}

/** A route's response: every route reads the session or the cookies, so no cache may share it. */
export function routeResponse(result: ActionResult): HttpResponse {
  const response = toHttpResponse(result)
  response.headers['Vary'] = 'Cookie'
  return response
}

/** A JSON answer. */
export const jsonResult = (status: number, json: unknown): ActionResult => ({ status, json })

/** A redirect after a form: 303 See Other. */
export const redirectResult = (location: string): ActionResult => ({
  status: 303,
  redirect: location,
})

/**
 * The JSON error response for a request refused before any action ran (404, a bad path, a bad
 * body).
 */
export function errorResponse(status: number, code: ErrorCode, message: string): HttpResponse {
  return toHttpResponse(errorResult(status, code, message))
}

/** The session store failed or did not answer in time (`StoreUnavailableError`). */
export const isStoreUnavailable = (error: unknown): boolean =>
  isCookietinError(error) && error.code === 'STORE_UNAVAILABLE'

/** 503 `STORE_UNAVAILABLE`: nothing was sent for the session, so the client keeps its cookie. */
export const storeUnavailableResult = (): ActionResult =>
  errorResult(
    503,
    'STORE_UNAVAILABLE',
    'The session store is unavailable; your session was left unchanged. Try again shortly.',
  )

/** 404 `NOT_FOUND`, for every route the apps do not serve (any method). */
export function notFoundResponse(method: string, path: string): HttpResponse {
  return errorResponse(404, 'NOT_FOUND', `No route for ${method} ${path.slice(0, 200)}`)
}

/**
 * 400 for a request target with a malformed percent escape (`/api/cookies/%zz`), else null.
 * Frameworks disagree on such paths (Express and Fastify refuse them, Hono and Koa keep them raw),
 * so every app asks this first.
 */
export function checkRequestTarget(url: string): HttpResponse | null {
  const queryStart = url.indexOf('?')
  const path = queryStart === -1 ? url : url.slice(0, queryStart)
  try {
    decodeURIComponent(path)
    return null
  } catch {
    return errorResponse(400, 'BAD_REQUEST', 'The request path has a malformed percent escape')
  }
}

/** The query string of a request target as `URLSearchParams` (first value wins with `get`). */
export function queryOf(url: string): URLSearchParams {
  const queryStart = url.indexOf('?')
  if (queryStart === -1) return new URLSearchParams()
  const hash = url.indexOf('#', queryStart)
  return new URLSearchParams(url.slice(queryStart + 1, hash === -1 ? undefined : hash))
}

/** Why a body could not be read: too large (413) or not UTF-8 / cut off (400). */
export class BodyError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.name = 'BodyError'
    this.status = status
  }
}

/**
 * Reads a request body as UTF-8 text, at most `limit` bytes. Takes a Node request, a web
 * `ReadableStream` (both are async iterables of bytes), a string, or nothing.
 */
export async function readBody(
  source: AsyncIterable<Uint8Array | string> | string | null | undefined,
  limit = MAX_BODY_BYTES,
): Promise<string> {
  if (source === null || source === undefined) return ''
  if (typeof source === 'string') {
    if (Buffer.byteLength(source) > limit)
      throw new BodyError(413, `The request body is over ${limit} bytes`)
    return source
  }
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      size += bytes.byteLength
      if (size > limit) throw new BodyError(413, `The request body is over ${limit} bytes`)
      chunks.push(bytes)
    }
  } catch (error) {
    if (error instanceof BodyError) throw error
    throw new BodyError(400, 'The request body could not be read')
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))
  } catch {
    throw new BodyError(400, 'The request body is not UTF-8')
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; result: ActionResult }

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The body as a JSON object; anything else (empty, malformed, an array...) is a 400 `BAD_REQUEST`.
 */
export function parseJsonObject(body: string): Parsed<Record<string, unknown>> {
  if (body.trim() === '')
    return { ok: false, result: errorResult(400, 'BAD_REQUEST', 'A JSON object body is required') }
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      result: errorResult(400, 'BAD_REQUEST', `Malformed JSON: ${detail.slice(0, 200)}`),
    }
  }
  if (!isPlainObject(value)) {
    return { ok: false, result: errorResult(400, 'BAD_REQUEST', 'The JSON body must be an object') }
  }
  return { ok: true, value }
}

/** An `application/x-www-form-urlencoded` body; never throws (bad escapes are kept raw). */
export function parseForm(body: string): URLSearchParams {
  return new URLSearchParams(body)
}
