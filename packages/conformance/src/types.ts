/** The session formats the example apps take in `SESSION_FORMAT`. */
export type SessionFormatName = 'sealed' | 'signed' | 'flask'

export const ALL_FORMATS: readonly SessionFormatName[] = ['sealed', 'signed', 'flask']
/** The formats a store run uses unless the target says: flask cannot follow an id into a store. */
export const STORE_FORMATS: readonly SessionFormatName[] = ['sealed', 'signed']

/** The environment an app reads its configuration from (docs/contract.md). */
export type Env = Record<string, string | undefined>

export interface StartServerOptions {
  env?: Env
  port?: number
  host?: string
}

export interface RunningServer {
  url: string
  port: number
  close(): Promise<void>
}

/** What every example app exports from `@cookietin/<fw>-example/server`. */
export type StartServer = (options?: StartServerOptions) => Promise<RunningServer>

export interface ConformanceTarget {
  /** Goes into every test title: `[express] PATCH /api/session null removes a key (sealed)`. */
  name: string
  startServer: StartServer
  /**
   * The formats to run format-dependent scenarios for.
   * @default ['sealed', 'signed', 'flask']
   */
  formats?: readonly SessionFormatName[]
  /**
   * The app's folder (with the `start` script): when given, the `start` topic also runs the app the
   * way a person does, `pnpm --dir <appDir> start`, with PORT and HOST.
   */
  appDir?: string | URL
  /**
   * Runs the suite with server-side sessions: `'redis'` starts a `redis-server` for the file and
   * sets `SESSION_STORE` to its URL (stopped when the file ends); `'memory'` sets
   * `SESSION_STORE=memory`. Formats then default to sealed and signed (flask cannot use a store).
   */
  store?: 'memory' | 'redis'
}

/** How an app keeps sessions in a run: cookies, or `SESSION_STORE`. */
export type SessionMode = 'cookie' | 'memory' | 'redis'
