import type { Client } from './client.ts'
import type {
  ConformanceTarget,
  Env,
  RunningServer,
  SessionFormatName,
  SessionMode,
} from './types.ts'

export interface ScenarioContext {
  readonly target: ConformanceTarget
  /**
   * The format this run is for (the first of the target's formats for a format-independent
   * scenario).
   */
  readonly format: SessionFormatName
  /** Cookie sessions, or the store this run sets in `SESSION_STORE`. */
  readonly mode: SessionMode
  /**
   * This format's environment: `SESSION_SECRETS` = secret A, `SESSION_FORMAT` = format, merged with
   * `extra` (a key set to `undefined` is left out).
   */
  env(extra?: Env): Env
  /** A server shared by every scenario of the file that asks for the same environment. */
  server(extra?: Env): Promise<RunningServer>
  /** A client with an empty jar on the shared server for `env(extra)`. */
  client(extra?: Env): Promise<Client>
  /** Starts a server this scenario owns with exactly `env`: it is closed when the scenario ends. */
  start(env: Env): Promise<RunningServer>
}

export type FormatSelection =
  /** Once per format of the target. */
  | 'each'
  /** Once, with the target's first format: the behaviour does not depend on the format. */
  | 'once'
  /** These formats, where the target has them. */
  | readonly SessionFormatName[]

export interface Scenario {
  /** Names the contract row or detail, e.g. `PATCH /api/session null removes a key`. */
  title: string
  /** @default 'once' */
  formats?: FormatSelection
  /**
   * The session modes the scenario holds in: a cookie-only detail (chunks, the 12 KB limit) is left
   * out of store runs, and store behaviour out of cookie runs.
   * @default every mode
   */
  modes?: readonly SessionMode[]
  /** @default 60000 ms (generous: a busy machine slows every request) */
  timeout?: number
  run(context: ScenarioContext): Promise<void>
}

export interface ScenarioGroup {
  topic: string
  scenarios: readonly Scenario[]
  /** Run this topic's scenarios one at a time (the others run a few at once). */
  sequential?: boolean
  /**
   * The session modes the whole topic holds in (chunks exist only in cookie mode). @default every
   * mode
   */
  modes?: readonly SessionMode[]
}

export function defineScenarios(
  topic: string,
  scenarios: readonly Scenario[],
  options: { sequential?: boolean; modes?: readonly SessionMode[] } = {},
): ScenarioGroup {
  return { topic, scenarios, ...options }
}
