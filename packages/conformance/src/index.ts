import { afterAll, describe, test } from 'vitest'
import { Client } from './client.ts'
import type { FormatSelection, Scenario, ScenarioContext, ScenarioGroup } from './scenario.ts'
import { authScenarios } from './scenarios/auth.ts'
import { chunkingScenarios } from './scenarios/chunking.ts'
import { configScenarios } from './scenarios/config.ts'
import { cookieScenarios } from './scenarios/cookies.ts'
import { flashScenarios } from './scenarios/flash.ts'
import { headerScenarios } from './scenarios/headers.ts'
import { htmlScenarios } from './scenarios/html.ts'
import { robustnessScenarios } from './scenarios/robustness.ts'
import { rotationScenarios } from './scenarios/rotation.ts'
import { sessionScenarios } from './scenarios/session.ts'
import { startScenarios } from './scenarios/start.ts'
import { ServerPool, formatEnv, startOn } from './servers.ts'
import {
  ALL_FORMATS,
  type ConformanceTarget,
  type Env,
  type RunningServer,
  type SessionFormatName,
} from './types.ts'

export { Client, Reply, isDeletion, parseSetCookie, type RequestOptions } from './client.ts'
export * from './constants.ts'
export * from './expect.ts'
export {
  defineScenarios,
  type FormatSelection,
  type Scenario,
  type ScenarioContext,
  type ScenarioGroup,
} from './scenario.ts'
export { ServerPool, cleanEnv, formatEnv, startOn } from './servers.ts'
export * from './types.ts'

/** Every scenario, by topic, in the order they run. */
export const SCENARIO_GROUPS: readonly ScenarioGroup[] = [
  cookieScenarios,
  sessionScenarios,
  flashScenarios,
  authScenarios,
  htmlScenarios,
  headerScenarios,
  robustnessScenarios,
  chunkingScenarios,
  rotationScenarios,
  configScenarios,
  startScenarios,
]

/** The formats a scenario runs for, given the target's: `null` marks a format-independent one (run once). */
export function formatsFor(
  selection: FormatSelection | undefined,
  targetFormats: readonly SessionFormatName[],
): Array<SessionFormatName | null> {
  if (selection === undefined || selection === 'once') return targetFormats.length ? [null] : []
  if (selection === 'each') return [...targetFormats]
  return targetFormats.filter((format) => selection.includes(format))
}

export interface RunConformanceOptions {
  /** Only these topics (e.g. `['session', 'flash']`); all by default. */
  topics?: readonly string[]
}

/**
 * Registers the conformance suite for one example app: a `describe` per topic and a test per scenario
 * and format, each titled `[<name>] <scenario> (<format>)`. Servers are shared per environment within
 * the calling file; scenarios that restart or misconfigure the app start their own.
 */
export function runConformance(
  target: ConformanceTarget,
  options: RunConformanceOptions = {},
): void {
  const targetFormats = target.formats ?? ALL_FORMATS
  const pool = new ServerPool(target.startServer)
  const groups = SCENARIO_GROUPS.filter(
    (group) =>
      (!options.topics || options.topics.includes(group.topic)) &&
      // Running the app's own `start` script needs to know where the app is.
      (group !== startScenarios || target.appDir !== undefined),
  )

  describe(`[${target.name}] conformance`, () => {
    afterAll(() => pool.closeAll())
    for (const group of groups) {
      // Scenarios share servers but never clients, so a topic's scenarios can run a few at once.
      const describeGroup = group.sequential ? describe.sequential : describe.concurrent
      describeGroup(group.topic, () => {
        for (const scenario of group.scenarios) {
          for (const format of formatsFor(scenario.formats, targetFormats)) {
            registerScenario(
              target,
              pool,
              scenario,
              format ?? (targetFormats[0] as SessionFormatName),
              format !== null,
            )
          }
        }
      })
    }
  })
}

function registerScenario(
  target: ConformanceTarget,
  pool: ServerPool,
  scenario: Scenario,
  format: SessionFormatName,
  showFormat: boolean,
): void {
  const title = `[${target.name}] ${scenario.title}${showFormat ? ` (${format})` : ''}`
  test(
    title,
    async () => {
      const owned: Array<Promise<RunningServer>> = []
      const env = (extra?: Env) => formatEnv(format, extra)
      const context: ScenarioContext = {
        target,
        format,
        env,
        server: (extra) => pool.get(env(extra)),
        client: async (extra) => new Client((await pool.get(env(extra))).url),
        start: (startEnv) => {
          const server = startOn(target.startServer, startEnv)
          owned.push(server)
          return server
        },
      }
      try {
        await scenario.run(context)
      } finally {
        await Promise.all(
          owned.map(async (server) => (await server.catch(() => undefined))?.close()),
        )
      }
    },
    scenario.timeout ?? 60_000,
  )
}
