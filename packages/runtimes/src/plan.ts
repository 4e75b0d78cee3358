/**
 * What the suite runs and what it prints, shared by the suite (inside each runtime) and the matrix
 * (vitest on Node). No imports: the matrix reads it without loading core.
 */

/** Session formats the apps (Hono, the plain fetch handler) serve, each under `/<format>/...`. */
export const FORMATS = ['sealed', 'signed', 'sealed+deflate', 'flask'] as const
export type FormatId = (typeof FORMATS)[number]

/** Check names, in the order the suite runs them; test titles are `[runtime] <name>`. */
export function plannedChecks(options: { webBackendToo: boolean }): string[] {
  const crypto = ['signed vectors', 'sealed vectors', 'flask vectors']
  return [
    ...crypto,
    ...(options.webBackendToo ? crypto.map((name) => `${name} (web back-end, injected)`) : []),
    'session round trip with chunking: 6 KB incompressible, sealed',
    'session round trip with chunking: 6 KB incompressible, signed',
    'session round trip, flask: one cookie, 6 KB refused with SessionTooLargeError',
    'migrateFrom: cookie-session, koa-session and iron-session cookies become sessions',
    ...FORMATS.map(
      (format) => `hono app (${format}): login, session read/write, flash, chunks, logout`,
    ),
    ...FORMATS.map(
      (format) => `fetch handler (${format}): login, session read/write, flash, chunks, logout`,
    ),
  ]
}

export interface WrittenSession {
  format: FormatId
  /** The runtime that wrote it. */
  writer: string
  /** `Cookie` request header carrying the session (one cookie, or `name.0; name.1...`). */
  cookie: string
  expect: {
    user: string
    data: Record<string, unknown>
    messages: { category: string; message: string }[]
  }
}

export type SuiteInput = { phase: 'checks' } | { phase: 'interop'; sessions: WrittenSession[] }

/** One JSON line of the suite's output. */
export type SuiteLine =
  | {
      type: 'info'
      runtime: string
      version: string
      /**
       * `createKeyring(...).backend.name` with no backend injected: what `#crypto-backend` resolved
       * to.
       */
      backend: string
      /** Where each `@cookietin/*` entry resolved (if the runtime can tell). */
      resolved: Record<string, string>
      /** How the Hono app is reached: a real server or `app.request`. */
      transport: string
    }
  | { type: 'check'; name: string; ok: boolean; ms: number; detail?: string; error?: string }
  | { type: 'session'; session: WrittenSession }
  | { type: 'interop'; format: FormatId; writer: string; ok: boolean; ms: number; error?: string }
  | { type: 'end' }
