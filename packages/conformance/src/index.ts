import { startRedisServer } from '@cookietin/testkit'
import { afterAll, beforeAll, describe, test } from 'vitest'
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
import { storeScenarios } from './scenarios/store.ts'
import { ServerPool, formatEnv, startOn } from './servers.ts'
import {
  ALL_FORMATS,
  STORE_FORMATS,
  type ConformanceTarget,
  type Env,
  type RunningServer,
  type SessionFormatName,
  type SessionMode,
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
  storeScenarios,
]

/**
 * The formats a scenario runs for, given the target's: `null` marks a format-independent one (run
 * once).
 */
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
 * Registers the conformance suite for one example app: a `describe` per topic and a test per
 * scenario and format, each titled `[<name>] <scenario> (<format>)`. Servers are shared per
 * environment within the calling file; scenarios that restart or misconfigure the app start their
 * own.
 */
export function runConformance(
  target: ConformanceTarget,
  options: RunConformanceOptions = {},
): void {
  const mode: SessionMode = target.store ?? 'cookie'
  const targetFormats = target.formats ?? (target.store ? STORE_FORMATS : ALL_FORMATS)
  const pool = new ServerPool(target.startServer)
  /** `SESSION_STORE` for every server of this run, known once the store has started. */
  const storeEnv: Env = {}
  const groups = SCENARIO_GROUPS.filter(
    (group) =>
      (!options.topics || options.topics.includes(group.topic)) &&
      (!group.modes || group.modes.includes(mode)) &&
      // Running the app's own `start` script needs to know where the app is.
      (group !== startScenarios || target.appDir !== undefined),
  )

  describe(`[${target.name}] conformance`, () => {
    if (target.store === 'memory') storeEnv['SESSION_STORE'] = 'memory'
    if (target.store === 'redis') {
      let stop: (() => Promise<void>) | undefined
      beforeAll(async () => {
        const redis = await startRedisServer()
        stop = () => redis.close()
        storeEnv['SESSION_STORE'] = redis.url
      })
      // Registered before the pool's: vitest runs afterAll hooks in reverse, so the apps close
      // first.
      afterAll(() => stop?.())
    }
    afterAll(() => pool.closeAll())
    for (const group of groups) {
      // Scenarios share servers but never clients, so a topic's scenarios can run a few at once.
      const describeGroup = group.sequential ? describe.sequential : describe.concurrent
      describeGroup(group.topic, () => {
        for (const scenario of group.scenarios) {
          if (scenario.modes && !scenario.modes.includes(mode)) continue
          for (const format of formatsFor(scenario.formats, targetFormats)) {
            registerScenario(
              { target, pool, mode, storeEnv },
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

interface Run {
  target: ConformanceTarget
  pool: ServerPool
  mode: SessionMode
  storeEnv: Env
}

function registerScenario(
  { target, pool, mode, storeEnv }: Run,
  scenario: Scenario,
  format: SessionFormatName,
  showFormat: boolean,
): void {
  const title = `[${target.name}] ${scenario.title}${showFormat ? ` (${format})` : ''}`
  test(
    title,
    async () => {
      const owned: Array<Promise<RunningServer>> = []
      const env = (extra?: Env) => formatEnv(format, { ...storeEnv, ...extra })
      const context: ScenarioContext = {
        target,
        format,
        mode,
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
