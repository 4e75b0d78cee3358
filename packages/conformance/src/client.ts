import { request as httpRequest } from 'node:http'
import { freshFetch } from '@cookietin/testkit'
import { Cookie, CookieJar } from 'tough-cookie'
import { MAX_COOKIE_BYTES } from './constants.ts'

/**
 * RFC 6265bis `cookie-name` (an RFC 9110 token) and `cookie-value` (cookie-octets, optionally
 * quoted).
 */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const COOKIE_VALUE =
  /^(?:"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*"|[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*)$/

export interface RequestOptions {
  /** A JSON body (`Content-Type: application/json`). */
  json?: unknown
  /** A raw body; `contentType` defaults to `application/json`. */
  body?: string
  contentType?: string
  /** An HTML form body (`application/x-www-form-urlencoded`). */
  form?: Record<string, string>
  headers?: Record<string, string>
  /** Send exactly this `Cookie` header instead of the jar's cookies (`''` sends none). */
  cookie?: string
  /** Store the response's Set-Cookie headers in the jar. @default true */
  store?: boolean
  /**
   * `'node'` sends the request with `node:http` instead of `fetch`, whose undici refuses some
   * header bytes a real client may still send (non-ASCII in a Cookie header).
   * @default 'fetch'
   */
  transport?: 'fetch' | 'node'
}

interface RawResponse {
  status: number
  headers: Headers
  text: string
}

/**
 * One request with `node:http`: the bytes go out as given (latin1), with no header validation
 * beyond Node's.
 */
function nodeRequest(
  url: string,
  method: string,
  headers: Headers,
  body: string | undefined,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing: Record<string, string> = {}
    headers.forEach((value, name) => (outgoing[name] = value))
    if (body !== undefined) outgoing['content-length'] = String(Buffer.byteLength(body))
    // No agent: a socket of its own, closed after the response, whether or not the server answers
    // `Connection: close` (Bun's server does not echo it, and the pooled socket would be reused).
    const req = httpRequest(url, { method, headers: outgoing, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const responseHeaders = new Headers()
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue
          for (const one of Array.isArray(value) ? value : [value])
            responseHeaders.append(name, one)
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: responseHeaders,
          text: Buffer.concat(chunks).toString('utf8'),
        })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Whether a parsed Set-Cookie deletes its cookie (Max-Age <= 0 or an Expires in the past). */
export function isDeletion(cookie: Cookie): boolean {
  if (typeof cookie.maxAge === 'number' && cookie.maxAge <= 0) return true
  if (cookie.maxAge === '-Infinity') return true
  return cookie.expires instanceof Date && cookie.expires.getTime() <= Date.now()
}

/**
 * Checks one Set-Cookie line the way a browser will take it: tough-cookie must parse it, its name
 * must be a token and its value cookie-octets (the apps' serializer encodes everything else), and
 * name plus value must fit the 4096 bytes every browser keeps, since a bigger cookie would be
 * dropped silently.
 */
export function parseSetCookie(line: string): Cookie {
  const cookie = Cookie.parse(line, { loose: false })
  if (!cookie) throw new Error(`tough-cookie cannot parse Set-Cookie: ${line}`)
  const rawName = line.slice(0, line.indexOf('=')).trim()
  if (cookie.key !== rawName || !TOKEN.test(rawName)) {
    throw new Error(
      `Set-Cookie name is not an RFC 6265bis token: ${JSON.stringify(rawName)} in ${line.slice(0, 200)}`,
    )
  }
  if (!COOKIE_VALUE.test(cookie.value)) {
    throw new Error(`Set-Cookie value has characters outside cookie-octet: ${line.slice(0, 200)}`)
  }
  const size = Buffer.byteLength(cookie.key) + Buffer.byteLength(cookie.value)
  if (size > MAX_COOKIE_BYTES) {
    throw new Error(
      `Set-Cookie ${cookie.key} is ${size} bytes (name + value), over the ${MAX_COOKIE_BYTES} browsers keep`,
    )
  }
  return cookie
}

export class Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The raw Set-Cookie lines, in order. */
  readonly setCookie: readonly string[]
  /** The Set-Cookie lines as tough-cookie parsed them. */
  readonly cookies: readonly Cookie[]
  readonly method: string
  readonly path: string

  constructor(method: string, path: string, response: RawResponse) {
    this.method = method
    this.path = path
    this.status = response.status
    this.headers = response.headers
    this.text = response.text
    this.setCookie = response.headers.getSetCookie()
    this.cookies = this.setCookie.map(parseSetCookie)
  }

  /** `GET /api/session -> 200` with the start of the body, for failure messages. */
  get summary(): string {
    const setCookie = this.setCookie.length
      ? `\nSet-Cookie: ${this.setCookie.map((line) => line.slice(0, 120)).join('\n            ')}`
      : ''
    return `${this.method} ${this.path} -> ${this.status} ${this.contentType}\n${this.text.slice(0, 500)}${setCookie}`
  }

  get contentType(): string {
    return this.headers.get('content-type') ?? ''
  }

  get location(): string | null {
    return this.headers.get('location')
  }

  /** The body as JSON; throws with the response summary when it is not JSON. */
  json<T = unknown>(): T {
    try {
      return JSON.parse(this.text) as T
    } catch {
      throw new Error(`Expected a JSON body from ${this.summary}`)
    }
  }

  /** `Vary` tokens, lower-cased. */
  get vary(): string[] {
    return (this.headers.get('vary') ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean)
  }

  /** The last Set-Cookie of this response for `name`. */
  cookie(name: string): Cookie | undefined {
    return this.cookies.findLast((cookie) => cookie.key === name)
  }

  /** Names this response sets to a value (not deleting). */
  get setNames(): string[] {
    return this.cookies.filter((cookie) => !isDeletion(cookie)).map((cookie) => cookie.key)
  }

  /** Names this response deletes. */
  get deletedNames(): string[] {
    return this.cookies.filter(isDeletion).map((cookie) => cookie.key)
  }
}

/**
 * A cookie-carrying HTTP client: `fetch` with `redirect: 'manual'` and a tough-cookie jar, which
 * must accept every Set-Cookie the app sends (it throws otherwise, failing the test that caused
 * it). Cookies are scoped by host, not port, so clients sharing a jar can talk to several servers
 * on 127.0.0.1 as one browser would (restarts, interop).
 */
export class Client {
  readonly baseUrl: string
  readonly jar: CookieJar

  constructor(baseUrl: string, jar: CookieJar = new CookieJar()) {
    this.baseUrl = baseUrl.replace(/\/$/, '')
    this.jar = jar
  }

  /** A client for another server sharing this one's cookies (the same browser). */
  withServer(server: { url: string }): Client {
    return new Client(server.url, this.jar)
  }

  /**
   * A client for the same server with a copy of this one's cookies (a second browser holding them).
   */
  async fork(server: { url: string } = { url: this.baseUrl }): Promise<Client> {
    return new Client(server.url, await this.jar.clone())
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const url = this.baseUrl + path
    const headers = new Headers(options.headers)
    let body: string | undefined
    if (options.json !== undefined) {
      body = JSON.stringify(options.json)
      headers.set('content-type', 'application/json')
    } else if (options.form !== undefined) {
      body = new URLSearchParams(options.form).toString()
      headers.set('content-type', 'application/x-www-form-urlencoded')
    } else if (options.body !== undefined) {
      body = options.body
      headers.set('content-type', options.contentType ?? 'application/json')
    }
    const cookie = options.cookie ?? (await this.jar.getCookieString(url))
    if (cookie) headers.set('cookie', cookie)
    let response: RawResponse
    if (options.transport === 'node') {
      // A fresh connection per request, as freshFetch asks for below.
      if (!headers.has('connection')) headers.set('connection', 'close')
      response = await nodeRequest(url, method, headers, body)
    } else {
      // A fresh connection per request: a kept-alive socket the server is closing (a race on a
      // busy machine) would fail a non-idempotent request with ECONNRESET, which says nothing
      // about the app.
      const fetched = await freshFetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      })
      response = { status: fetched.status, headers: fetched.headers, text: await fetched.text() }
    }
    const reply = new Reply(method, path, response)
    if (options.store !== false) {
      for (const line of reply.setCookie) {
        try {
          await this.jar.setCookie(line, url, { ignoreError: false })
        } catch (error) {
          throw new Error(
            `tough-cookie's CookieJar refused Set-Cookie from ${method} ${path}: ${line.slice(0, 300)}`,
            { cause: error },
          )
        }
      }
    }
    return reply
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, options)
  }
  post(path: string, options?: RequestOptions) {
    return this.request('POST', path, options)
  }
  put(path: string, options?: RequestOptions) {
    return this.request('PUT', path, options)
  }
  patch(path: string, options?: RequestOptions) {
    return this.request('PATCH', path, options)
  }
  delete(path: string, options?: RequestOptions) {
    return this.request('DELETE', path, options)
  }

  /** The `Cookie` header the jar sends to `path`. */
  cookieHeader(path = '/'): Promise<string> {
    return this.jar.getCookieString(this.baseUrl + path)
  }

  /** The jar's cookies for `path`, name to value. */
  async cookieValues(path = '/'): Promise<Record<string, string>> {
    const cookies = await this.jar.getCookies(this.baseUrl + path)
    const values: Record<string, string> = Object.create(null)
    for (const cookie of cookies) values[cookie.key] = cookie.value
    return values
  }

  /** The jar's names for `path`, sorted. */
  async cookieNames(path = '/'): Promise<string[]> {
    return Object.keys(await this.cookieValues(path)).sort()
  }

  /** Puts a cookie in the jar as if a server had set it (`Path=/`). */
  async plant(name: string, value: string): Promise<void> {
    await this.jar.setCookie(`${name}=${value}; Path=/`, this.baseUrl + '/')
  }

  /** Removes a cookie from the jar. */
  async drop(name: string): Promise<void> {
    const host = new URL(this.baseUrl).hostname
    await this.jar.store.removeCookie(host, '/', name)
  }
}
