/** The session formats the example apps take in `SESSION_FORMAT`. */
export type SessionFormatName = 'sealed' | 'signed' | 'flask'

export const ALL_FORMATS: readonly SessionFormatName[] = ['sealed', 'signed', 'flask']

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
   * The app's folder (with the `start` script): when given, the `start` topic also runs the app the way
   * a person does, `pnpm --dir <appDir> start`, with PORT and HOST.
   */
  appDir?: string | URL
}
