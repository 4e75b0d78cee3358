/** Every server the load benchmark runs, one child process each. */
export type Framework = 'node' | 'express' | 'koa' | 'hono' | 'fastify' | 'fetch'
type Kind = 'bare' | 'signed' | 'sealed'

export interface LoadConfig {
  /** `framework/library`: what the server entry is started with and results are keyed by. */
  id: string
  framework: Framework
  library: string
  /** What the session cookie is: nothing (the bare baseline), signed, or sealed (encrypted). */
  kind: Kind
  /** cookietin, an incumbent (a peer), the hand-written floor, or the bare baseline. */
  role: 'bare' | 'floor' | 'cookietin' | 'incumbent'
  label: string
}

const config = (
  framework: Framework,
  library: string,
  kind: Kind,
  role: LoadConfig['role'],
  label: string,
): LoadConfig => ({
  id: `${framework}/${library}`,
  framework,
  library,
  kind,
  role,
  label,
})

export const LOAD_CONFIGS: LoadConfig[] = [
  config('node', 'bare', 'bare', 'bare', 'node:http, no cookie'),
  config('node', 'floor-signed', 'signed', 'floor', 'floor: node:crypto HMAC-SHA256 cookie'),
  config('node', 'floor-sealed', 'sealed', 'floor', 'floor: node:crypto AES-256-GCM cookie'),
  config('express', 'bare', 'bare', 'bare', 'Express, no session'),
  config(
    'express',
    'floor-signed',
    'signed',
    'floor',
    'floor: HMAC-SHA256 cookie, Express middleware',
  ),
  config(
    'express',
    'floor-sealed',
    'sealed',
    'floor',
    'floor: AES-256-GCM cookie, Express middleware',
  ),
  config('express', 'cookietin-signed', 'signed', 'cookietin', '@cookietin/express signed'),
  config('express', 'cookietin-sealed', 'sealed', 'cookietin', '@cookietin/express sealed'),
  config('express', 'cookie-session', 'signed', 'incumbent', 'cookie-session'),
  config('express', 'express-session', 'signed', 'incumbent', 'express-session (MemoryStore)'),
  config('koa', 'bare', 'bare', 'bare', 'Koa, no session'),
  config('koa', 'floor-signed', 'signed', 'floor', 'floor: HMAC-SHA256 cookie, Koa middleware'),
  config('koa', 'floor-sealed', 'sealed', 'floor', 'floor: AES-256-GCM cookie, Koa middleware'),
  config('koa', 'cookietin-signed', 'signed', 'cookietin', '@cookietin/koa signed'),
  config('koa', 'cookietin-sealed', 'sealed', 'cookietin', '@cookietin/koa sealed'),
  config('koa', 'koa-session', 'signed', 'incumbent', 'koa-session'),
  config('hono', 'bare', 'bare', 'bare', 'Hono, no session'),
  config('hono', 'floor-signed', 'signed', 'floor', 'floor: HMAC-SHA256 cookie, Hono middleware'),
  config('hono', 'floor-sealed', 'sealed', 'floor', 'floor: AES-256-GCM cookie, Hono middleware'),
  config('hono', 'cookietin-signed', 'signed', 'cookietin', '@cookietin/hono signed'),
  config('hono', 'cookietin-sealed', 'sealed', 'cookietin', '@cookietin/hono sealed'),
  config('hono', 'signed-cookie', 'signed', 'incumbent', 'hono/cookie signed cookie helpers'),
  config('hono', 'hono-sessions', 'sealed', 'incumbent', 'hono-sessions (iron-webcrypto)'),
  config('fastify', 'bare', 'bare', 'bare', 'Fastify, no session'),
  config('fastify', 'floor-signed', 'signed', 'floor', 'floor: HMAC-SHA256 cookie, Fastify hooks'),
  config('fastify', 'floor-sealed', 'sealed', 'floor', 'floor: AES-256-GCM cookie, Fastify hooks'),
  config('fastify', 'cookietin-signed', 'signed', 'cookietin', '@cookietin/fastify signed'),
  config('fastify', 'cookietin-sealed', 'sealed', 'cookietin', '@cookietin/fastify sealed'),
  config('fastify', 'secure-session', 'sealed', 'incumbent', '@fastify/secure-session (libsodium)'),
  config('fastify', 'session', 'signed', 'incumbent', '@fastify/session (MemoryStore)'),
  config('fetch', 'bare', 'bare', 'bare', 'fetch handler on srvx, no session'),
  config('fetch', 'floor-signed', 'signed', 'floor', 'floor: HMAC-SHA256 cookie, handler wrapper'),
  config('fetch', 'floor-sealed', 'sealed', 'floor', 'floor: AES-256-GCM cookie, handler wrapper'),
  config('fetch', 'cookietin-signed', 'signed', 'cookietin', '@cookietin/fetch signed'),
  config('fetch', 'cookietin-sealed', 'sealed', 'cookietin', '@cookietin/fetch sealed'),
  config(
    'fetch',
    'hono-signed-cookie',
    'signed',
    'incumbent',
    "Hono's signed cookie (hono/utils/cookie)",
  ),
]

/** The secret every server signs with (over 32 bytes, as cookietin and hono-sessions require). */
export const LOAD_SECRET = 'load-bench-secret-0123456789abcdef0123456789abcdef'
/** Session lifetime in seconds, the same for every library: the example apps' default. */
export const LOAD_MAX_AGE = 1209600
